package dev.mtls.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * A loopback port nobody listens on right now, for programs that cannot be told to pick their own (nginx). The
 * port is free only until someone else takes it: callers that fail to bind try again with a new one.
 */
final class FreePort {
  private static final InetAddress LOOPBACK = loopback();

  private FreePort() {}

  static int pick() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(LOOPBACK, 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on the loopback interface", e);
    }
  }

  /** Whether something accepts connections on 127.0.0.1:{@code port}. */
  static boolean isListening(int port) {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new InetSocketAddress(LOOPBACK, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
