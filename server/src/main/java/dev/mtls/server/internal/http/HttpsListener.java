package dev.mtls.server.internal.http;

import dev.mtls.server.Balancers;
import dev.mtls.server.ServerListener;
import dev.mtls.server.internal.h2.Http2Guard;
import dev.mtls.server.internal.tls.BalancedListener;
import dev.mtls.server.internal.tls.HandshakeDeadline;
import dev.mtls.server.internal.tls.UnservedConnections;
import io.undertow.Undertow;
import io.undertow.connector.ByteBufferPool;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * The server's HTTPS listener, put together from Undertow's parts on the worker Undertow started: TLS, then by ALPN
 * ({@link AlpnListener}) HTTP/2 ({@link Http2Listener}) or HTTP/1.1, or HTTP/1.1 alone when HTTP/2 is off. Behind L4
 * balancers it is a {@link BalancedListener}, where a PROXY header must arrive within {@code handshakeTimeout}. Either
 * way a TLS handshake must complete within it ({@link HandshakeDeadline}), and every HTTP/2 connection has a frame
 * budget ({@link Http2Guard}).
 * Undertow's builder would open the listener itself, but its HTTP/2 listener keeps its connections from the handlers
 * (which must be able to end one with a GOAWAY), and it offers the PROXY protocol with no say over who may speak it.
 */
public final class HttpsListener {
  private final String host;
  private final int port;
  private final SSLContext tls;
  private final Executor handshakes;
  private final ListenerOptions options;
  private final ByteBufferPool buffers = new DefaultByteBufferPool(true, 16 * 1024 - 20, -1, 4);
  private final Http2Listener http2;
  private final ChannelListener<StreamConnection> protocols;
  private final Balancers balancers;
  private final Duration handshakeTimeout;
  private final UnservedConnections unserved;
  private final ServerListener listener;
  private final Clock clock;
  private final Undertow undertow;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final AtomicBoolean acceptorClosed = new AtomicBoolean();
  private volatile AcceptingChannel<SslConnection> direct;
  private volatile BalancedListener balanced;

  /**
   * @param handshakes runs the TLS engines' delegated tasks (signatures, the trust manager and its revocation
   *                   fetches), so that none runs on an I/O thread
   * @param unserved   where a balancer's connection counts until its TLS engine (which counts it then) is created
   */
  public HttpsListener(String host, int port, SSLContext tls, Executor handshakes, ListenerOptions options,
      HttpHandler root, Balancers balancers, Duration handshakeTimeout, UnservedConnections unserved,
      ServerListener listener, Clock clock) {
    this.host = host;
    this.port = port;
    this.tls = tls;
    this.handshakes = handshakes;
    this.options = options.forOwnListener();
    this.balancers = balancers;
    this.handshakeTimeout = handshakeTimeout;
    this.unserved = unserved;
    this.listener = listener;
    this.clock = clock;
    HttpOpenListener http1 = new HttpOpenListener(buffers, this.options.server());
    http1.setRootHandler(root);
    if (options.http2()) {
      http2 = new Http2Listener(buffers, this.options.server(), root);
      protocols = HandshakeDeadline.around(new AlpnListener(buffers, this.options.server(),
          Http2Guard.around(http2, listener, clock), http1), handshakeTimeout);
    } else {
      http2 = null;
      protocols = HandshakeDeadline.around(http1, handshakeTimeout);
    }
    // Undertow runs the I/O and worker threads; it opens no listener of its own.
    this.undertow = Undertow.builder().build();
  }

  /** Binds; fails with a one-line {@link dev.mtls.server.ConfigException} when the port is taken. */
  public void start() {
    Endpoint.start(undertow, host, port, "HTTPS");
    InetSocketAddress address = new InetSocketAddress(host, port);
    try {
      if (balancers == null) {
        UndertowXnioSsl ssl = new UndertowXnioSsl(undertow.getWorker().getXnio(),
            OptionMap.create(Options.USE_DIRECT_BUFFERS, true), tls, handshakes);
        direct = ssl.createSslConnectionServer(undertow.getWorker(), address,
            ChannelListeners.<SslConnection>openListenerAdapter(protocols), options.socket());
        direct.resumeAccepts();
      } else {
        balanced = BalancedListener.open(undertow.getWorker(), address, tls, handshakes, options.socket(), buffers,
            protocols, balancers, handshakeTimeout, unserved, listener, clock);
      }
    } catch (IOException e) {
      undertow.stop();
      throw Endpoint.bindFailure(e, host, port, "HTTPS");
    }
  }

  /** The bound port (useful after asking for port 0). */
  public int port() {
    return balanced != null ? balanced.port() : direct.getLocalAddress(InetSocketAddress.class).getPort();
  }

  /**
   * The server drains: no new connection from now on (behind balancers, they send new clients elsewhere); HTTP/2
   * connections end once their streams in progress are done (HTTP/1.1 ones after their next response, see
   * {@link Drain}).
   */
  public void drain() {
    closeAcceptor();
    if (http2 != null) {
      http2.closeAll();
    }
  }

  /** Stops, once. */
  public void stop() {
    closeAcceptor();
    if (stopped.compareAndSet(false, true)) {
      undertow.stop();
    }
  }

  /** Once, before the worker stops: closing an acceptor waits on its I/O thread, which would then never answer. */
  private void closeAcceptor() {
    if (acceptorClosed.compareAndSet(false, true)) {
      if (balanced != null) {
        balanced.close();
      }
      IoUtils.safeClose(direct);
    }
  }
}
