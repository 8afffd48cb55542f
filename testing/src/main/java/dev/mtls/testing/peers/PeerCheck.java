package dev.mtls.testing.peers;

import java.lang.reflect.AnnotatedElement;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Skips, or in CI fails, a test whose {@link RequiresPeer} names a program that is not installed. */
final class PeerCheck implements BeforeAllCallback, BeforeEachCallback {
  @Override
  public void beforeAll(ExtensionContext context) {
    check(context.getElement());
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    check(context.getElement());
  }

  private static void check(Optional<AnnotatedElement> element) {
    if (element.isEmpty()) {
      return;
    }
    Optional<RequiresPeer> declared = AnnotationSupport.findAnnotation(element.get(), RequiresPeer.class);
    if (declared.isEmpty()) {
      return;
    }
    Peer.assumeInstalled(Arrays.asList(declared.get().value()));
  }
}
