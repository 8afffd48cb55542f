package dev.mtls.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/** The loopback ports the demo listens on: checked before anything starts, or picked when asked for 0. */
final class Ports {
  private static final InetAddress LOOPBACK = loopback();

  private Ports() {}

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** Fails naming the first of {@code ports} (0: any, not checked) that cannot be bound on 127.0.0.1. */
  static void requireFree(int... ports) {
    for (int port : ports) {
      if (port != 0 && !canBind(port)) {
        throw new DemoException("port " + port + " on 127.0.0.1 is in use; choose others with --port N "
            + "--management-port M --publish-port P --est-port E");
      }
    }
  }

  /**
   * {@code port}, or a free one for 0: for the publisher, whose address the certificates name before it listens.
   * Free when picked; taken by someone else in between, the publisher's start says so.
   */
  static int orFree(int port) {
    if (port != 0) {
      return port;
    }
    try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on 127.0.0.1: " + e.getMessage(), e);
    }
  }

  private static boolean canBind(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(LOOPBACK, port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
