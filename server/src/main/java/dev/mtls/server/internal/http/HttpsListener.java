package dev.mtls.server.internal.http;

import dev.mtls.server.Balancers;
import dev.mtls.server.ServerListener;
import dev.mtls.server.internal.tls.BalancedListener;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import org.xnio.Option;
import org.xnio.OptionMap;

/**
 * The server's HTTPS listener: Undertow's own, or, behind L4 balancers, a {@link BalancedListener} opened on the
 * worker Undertow started (Undertow's builder offers the PROXY protocol but no say over who may speak it), where a
 * PROXY header must arrive within {@code proxyHeaderTimeout}.
 */
public final class HttpsListener {
  private final String host;
  private final int port;
  private final SSLContext tls;
  private final ListenerOptions options;
  private final HttpHandler root;
  private final Balancers balancers;
  private final Duration proxyHeaderTimeout;
  private final ServerListener listener;
  private final Clock clock;
  private final Executor handshakes;
  private final Undertow undertow;
  private volatile BalancedListener balanced;

  /**
   * @param handshakes runs the TLS engines' delegated tasks (signatures, the trust manager and its revocation
   *                   fetches), so that none runs on an I/O thread
   */
  public HttpsListener(String host, int port, SSLContext tls, Executor handshakes, ListenerOptions options,
      HttpHandler root, Balancers balancers, Duration proxyHeaderTimeout, ServerListener listener, Clock clock) {
    this.host = host;
    this.port = port;
    this.tls = tls;
    this.options = options;
    this.root = root;
    this.balancers = balancers;
    this.proxyHeaderTimeout = proxyHeaderTimeout;
    this.listener = listener;
    this.clock = clock;
    this.handshakes = handshakes;
    Undertow.Builder builder = Undertow.builder().setSslEngineDelegatedTaskExecutor(handshakes);
    if (balancers == null) {
      builder.addHttpsListener(port, host, tls);
    }
    copy(options.socket(), builder::setSocketOption);
    copy(options.server(), builder::setServerOption);
    this.undertow = builder.setHandler(root).build();
  }

  /** Binds; fails with a one-line {@link dev.mtls.server.ConfigException} when the port is taken. */
  public void start() {
    Endpoint.start(undertow, host, port, "HTTPS");
    if (balancers != null) {
      ListenerOptions own = options.forOwnListener();
      try {
        balanced = BalancedListener.open(undertow.getWorker(), new InetSocketAddress(host, port), tls, handshakes,
            own.socket(), own.server(), root, balancers, proxyHeaderTimeout, listener, clock);
      } catch (IOException e) {
        undertow.stop();
        throw Endpoint.bindFailure(e, host, port, "HTTPS");
      }
    }
  }

  /** The bound port (useful after asking for port 0). */
  public int port() {
    return balanced != null ? balanced.port() : Endpoint.boundPort(undertow);
  }

  /** Behind balancers: no new connection from now on, so they send new clients elsewhere. */
  public void stopAccepting() {
    if (balanced != null) {
      balanced.close();
    }
  }

  public void stop() {
    undertow.stop();
  }

  /** Copies every option into a builder's setter (Undertow's builder takes them one by one). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void copy(OptionMap options, java.util.function.BiConsumer<Option, Object> setter) {
    for (Option option : options) {
      setter.accept(option, options.get(option));
    }
  }
}
