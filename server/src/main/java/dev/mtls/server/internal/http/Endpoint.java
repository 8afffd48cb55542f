package dev.mtls.server.internal.http;

import dev.mtls.server.ConfigException;
import io.undertow.Undertow;
import java.net.BindException;
import java.net.InetSocketAddress;

/** One Undertow listener of the server, started and stopped as a unit, whose failure to bind is one clear line. */
final class Endpoint {
  private Endpoint() {}

  /** Starts {@code undertow}; fails with a {@link ConfigException} naming {@code what} and the address. */
  static void start(Undertow undertow, String host, int port, String what) {
    try {
      undertow.start();
    } catch (RuntimeException e) {
      undertow.stop();
      throw bindFailure(e, host, port, what);
    }
  }

  static ConfigException bindFailure(Exception e, String host, int port, String what) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return new ConfigException("cannot listen for " + what + " on " + host + ":" + port + ": "
            + (String.valueOf(t.getMessage()).contains("in use") ? "the port is already in use" : t.getMessage()), e);
      }
    }
    return new ConfigException("cannot start the " + what + " listener on " + host + ":" + port + ": "
        + e.getMessage(), e);
  }

  static int boundPort(Undertow undertow) {
    return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }
}
