package dev.mtls.server.internal.http;

import dev.mtls.server.Balancers;
import dev.mtls.server.ServerListener;
import dev.mtls.server.internal.tls.BalancedListener;
import io.undertow.Undertow;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.HttpHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.channels.AcceptingChannel;
import org.xnio.ssl.SslConnection;

/**
 * The server's HTTPS listener, on the worker Undertow started: TLS, then the {@link Protocols} ALPN chose; behind L4
 * balancers, a {@link BalancedListener} (Undertow's builder offers the PROXY protocol but no say over who may speak
 * it). A PROXY header must arrive within {@code handshakeTimeout}, and a TLS handshake complete within it.
 */
public final class HttpsListener {
  private final String host;
  private final int port;
  private final SSLContext tls;
  private final ListenerOptions options;
  private final HttpHandler root;
  private final Balancers balancers;
  private final Duration handshakeTimeout;
  private final ServerListener listener;
  private final Clock clock;
  private final Executor handshakes;
  private final Undertow undertow;
  private AcceptingChannel<SslConnection> direct;
  private volatile int directPort;
  private volatile BalancedListener balanced;

  /**
   * @param handshakes runs the TLS engines' delegated tasks (signatures, the trust manager and its revocation
   *                   fetches), so that none runs on an I/O thread
   */
  public HttpsListener(String host, int port, SSLContext tls, Executor handshakes, ListenerOptions options,
      HttpHandler root, Balancers balancers, Duration handshakeTimeout, ServerListener listener, Clock clock) {
    this.host = host;
    this.port = port;
    this.tls = tls;
    this.options = options;
    this.root = root;
    this.balancers = balancers;
    this.handshakeTimeout = handshakeTimeout;
    this.listener = listener;
    this.clock = clock;
    this.handshakes = handshakes;
    // Undertow runs the worker (I/O and worker threads); the listener is put together here (Protocols).
    this.undertow = Undertow.builder().build();
  }

  /** Binds; fails with a one-line {@link dev.mtls.server.ConfigException} when the port is taken. */
  public synchronized void start() {
    Endpoint.start(undertow, host, port, "HTTPS");
    ListenerOptions own = options.forOwnListener();
    ChannelListener<StreamConnection> protocols = Protocols.of(own.server(), handshakeTimeout, root, listener, clock);
    InetSocketAddress address = new InetSocketAddress(host, port);
    try {
      if (balancers == null) {
        direct = new UndertowXnioSsl(undertow.getWorker().getXnio(), OptionMap.create(Options.USE_DIRECT_BUFFERS,
            true), tls, handshakes).createSslConnectionServer(undertow.getWorker(), address,
            ChannelListeners.<SslConnection>openListenerAdapter(protocols), own.socket());
        direct.resumeAccepts();
        directPort = direct.getLocalAddress(InetSocketAddress.class).getPort();
      } else {
        balanced = BalancedListener.open(undertow.getWorker(), address, tls, handshakes, own.socket(), protocols,
            balancers, handshakeTimeout, listener, clock);
      }
    } catch (IOException e) {
      undertow.stop();
      throw Endpoint.bindFailure(e, host, port, "HTTPS");
    }
  }

  /** The bound port (useful after asking for port 0). */
  public int port() {
    return balanced != null ? balanced.port() : directPort;
  }

  /** Behind balancers: no new connection from now on, so they send new clients elsewhere. */
  public void stopAccepting() {
    if (balanced != null) {
      balanced.close();
    }
  }

  /** Stops; again is a no-op (closing the listener again would wait for the worker stopped the first time). */
  public synchronized void stop() {
    if (direct != null) {
      IoUtils.safeClose(direct);
      direct = null;
    }
    undertow.stop();
  }
}
