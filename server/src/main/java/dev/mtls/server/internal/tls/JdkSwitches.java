package dev.mtls.server.internal.tls;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * Switches of the JDK's TLS server that it has no API for, only system properties read when a context is created
 * (OCSP stapling, stateless session tickets): each is set for that moment and put back, so contexts created later
 * are unaffected. Every context the server creates goes through here, one at a time; a context that another thread
 * of an embedding application creates in that very moment would see the switch too, which the JDK leaves no way
 * to avoid.
 */
final class JdkSwitches {
  static final String STAPLING = "jdk.tls.server.enableStatusRequestExtension";
  static final String STATELESS_TICKETS = "jdk.tls.server.enableSessionTicketExtension";

  private JdkSwitches() {}

  static synchronized SSLContext creating(Map<String, String> switches, Supplier<SSLContext> create) {
    Map<String, String> before = new HashMap<>();
    switches.forEach((name, value) -> {
      before.put(name, System.getProperty(name));
      System.setProperty(name, value);
    });
    try {
      return create.get();
    } finally {
      before.forEach((name, value) -> {
        if (value == null) {
          System.clearProperty(name);
        } else {
          System.setProperty(name, value);
        }
      });
    }
  }
}
