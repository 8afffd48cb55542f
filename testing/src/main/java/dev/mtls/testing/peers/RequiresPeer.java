package dev.mtls.testing.peers;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The third-party programs a test class or method runs. Where one is missing the test is skipped with the reason,
 * and the run ends with one line saying how many tests were skipped for which peers; with
 * {@code MTLS_PEERS=required} (CI) a missing peer fails the test instead, so interop is still proven there.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(PeerCheck.class)
public @interface RequiresPeer {
  Peer[] value();
}
