package dev.mtls.testing.peers;

import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    List<Peer> missing = new ArrayList<>(Arrays.stream(declared.get().value()).filter(p -> !p.isInstalled())
        .toList());
    if (missing.isEmpty()) {
      return;
    }
    if (Peer.required()) {
      throw new AssertionError(PeerMissing.names(missing) + " not installed, and this run requires every peer ("
          + Peer.REQUIRED_SWITCH + "=required): apt-get install " + String.join(" ", missing.stream()
          .map(Peer::debianPackage).distinct().toList()));
    }
    throw new PeerMissing(missing);
  }
}
