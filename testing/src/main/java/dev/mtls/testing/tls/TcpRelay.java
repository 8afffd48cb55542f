package dev.mtls.testing.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP relay in front of a server, as an L4 balancer: each connection it accepts is copied both ways to
 * {@code 127.0.0.1:target}, after a preamble (a PROXY protocol header naming a client, say). Any client then reaches
 * the server as if through a balancer, whatever it can send itself (the JDK's HttpClient over HTTP/2). Closing the
 * relay closes every connection it carries.
 */
public final class TcpRelay implements AutoCloseable {
  private final ServerSocket listening;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  private TcpRelay(ServerSocket listening) {
    this.listening = listening;
  }

  /** Starts relaying to {@code target}, sending {@code preamble} first on each connection. */
  public static TcpRelay to(int target, byte[] preamble) throws IOException {
    ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    TcpRelay relay = new TcpRelay(listening);
    byte[] first = preamble.clone();
    Thread acceptor = new Thread(() -> relay.accept(target, first), "relay-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    return relay;
  }

  /** The port clients connect to. */
  public int port() {
    return listening.getLocalPort();
  }

  private void accept(int target, byte[] preamble) {
    while (!listening.isClosed()) {
      try {
        Socket client = listening.accept();
        Socket server = new Socket();
        sockets.add(client);
        sockets.add(server);
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 5_000);
        server.getOutputStream().write(preamble);
        copy(client, server);
        copy(server, client);
      } catch (IOException e) {
        // The relay was closed, or one connection failed: the client sees its connection end.
      }
    }
  }

  private void copy(Socket from, Socket to) {
    Thread thread = new Thread(() -> {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        in.transferTo(out);
      } catch (IOException e) {
        // One side closed: the other follows.
      } finally {
        close(from);
        close(to);
      }
    }, "relay-copy");
    thread.setDaemon(true);
    thread.start();
  }

  private static void close(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing: nothing left to do.
    }
  }

  @Override
  public void close() throws IOException {
    listening.close();
    sockets.forEach(TcpRelay::close);
  }
}
