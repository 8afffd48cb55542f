package dev.mtls.server.internal.tls;

import java.time.Duration;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * The JDK's server-side OCSP stapling, switched on for one SSLContext. The JDK has no API for it, only system
 * properties: whether a context staples is read when the context is created, so the switch is set for that moment
 * and put back (other contexts of the JVM are unaffected); how long a handshake waits for the responder is read at
 * each handshake, so it is set for the JVM unless someone already chose it.
 */
final class OcspStapling {
  static final String ENABLE = "jdk.tls.server.enableStatusRequestExtension";
  static final String RESPONSE_TIMEOUT = "jdk.tls.stapling.responseTimeout";

  private OcspStapling() {}

  static synchronized SSLContext context(Duration timeout, Supplier<SSLContext> create) {
    if (System.getProperty(RESPONSE_TIMEOUT) == null) {
      System.setProperty(RESPONSE_TIMEOUT, Long.toString(Math.max(1, timeout.toMillis())));
    }
    String before = System.getProperty(ENABLE);
    System.setProperty(ENABLE, "true");
    try {
      return create.get();
    } finally {
      if (before == null) {
        System.clearProperty(ENABLE);
      } else {
        System.setProperty(ENABLE, before);
      }
    }
  }
}
