package dev.mtls.server.internal.tls;

import java.time.Duration;

/**
 * The JDK's server-side OCSP stapling, switched on for one SSLContext ({@link JdkSwitches}). How long a handshake
 * waits for the responder is read at each handshake, so it is set for the JVM unless someone already chose it.
 */
final class OcspStapling {
  static final String RESPONSE_TIMEOUT = "jdk.tls.stapling.responseTimeout";

  private OcspStapling() {}

  /** Sets the responder timeout; the context then needs {@link JdkSwitches#STAPLING} on. */
  static synchronized void responseTimeout(Duration timeout) {
    if (System.getProperty(RESPONSE_TIMEOUT) == null) {
      System.setProperty(RESPONSE_TIMEOUT, Long.toString(Math.max(1, timeout.toMillis())));
    }
  }
}
