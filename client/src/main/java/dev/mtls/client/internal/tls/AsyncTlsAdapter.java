package dev.mtls.client.internal.tls;

import dev.mtls.pki.material.trust.Trust;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.net.NamedEndpoint;
import org.apache.hc.core5.reactor.ssl.SSLBufferMode;
import org.apache.hc.core5.reactor.ssl.SSLSessionInitializer;
import org.apache.hc.core5.reactor.ssl.SSLSessionVerifier;
import org.apache.hc.core5.reactor.ssl.TlsDetails;
import org.apache.hc.core5.reactor.ssl.TransportSecurityLayer;
import org.apache.hc.core5.util.Timeout;

/**
 * The async client's TLS strategy, the counterpart of the classic {@link TlsSocketAdapter}: HttpClient's own async
 * strategy for the material generation in service (the same protocols, suites and host-name check), wrapped to record
 * each handshake on its engine (an I/O thread handshakes many connections in turn), to judge a resumed session again,
 * and to mark each session with its generation and ALPN protocol. A connection attempt finds the request that made it
 * through a {@link TlsConfig} of the attempt's own ({@link #attempt}), so a refused handshake is explained from the
 * request's context as the classic client's is.
 */
public final class AsyncTlsAdapter implements TlsStrategy {
  /** Told of each connection whose handshake completed, on the I/O thread that made it: keep it quick. */
  public interface Opened {
    void opened(TransportSecurityLayer connection, Handshake handshake, SSLSession session);
  }

  private record Current(TlsStrategy strategy, long generation, Trust trust) {}

  private final List<String> protocols;
  private final HandshakeRecorder recorder;
  private final Clock clock;
  private final AtomicInteger handshakes = new AtomicInteger();
  // Identity, not equality: each attempt's TlsConfig is a copy of the same settings.
  private final Map<TlsConfig, HttpContext> attempts = Collections.synchronizedMap(new IdentityHashMap<>());
  private volatile Opened opened = (connection, handshake, session) -> {};
  private volatile Current current;

  AsyncTlsAdapter(List<String> protocols, HandshakeRecorder recorder, Clock clock) {
    this.protocols = protocols;
    this.recorder = recorder;
    this.clock = clock;
  }

  /** New connections from now on handshake with the generation's context, and their sessions carry its number. */
  void use(Generation generation) {
    current = new Current(Sessions.strategy(generation, protocols).buildAsync(), generation.number(),
        generation.trust());
  }

  public void onOpened(Opened listener) {
    this.opened = listener;
  }

  /**
   * A copy of {@code settings} for one connection attempt by the request of {@code context}: passed as the attempt's
   * attachment, it lets the handshake record itself into that context. End it with {@link #attemptEnded}.
   */
  public TlsConfig attempt(TlsConfig settings, HttpContext context) {
    TlsConfig own = TlsConfig.copy(settings).build();
    attempts.put(own, context);
    return own;
  }

  public void attemptEnded(TlsConfig attempt) {
    attempts.remove(attempt);
  }

  /** TLS handshakes completed by the async client: full ones and resumptions. */
  int handshakes() {
    return handshakes.get();
  }

  @Override
  public void upgrade(TransportSecurityLayer connection, NamedEndpoint endpoint, Object attachment,
      Timeout handshakeTimeout, FutureCallback<TransportSecurityLayer> callback) {
    Current now = current;
    Handshake handshake = new Handshake(endpoint.getHostName(), endpoint.getPort(), now.generation());
    HttpContext context = attachment instanceof TlsConfig config ? attempts.get(config) : null;
    if (context != null) {
      handshake.attachTo(context);
    }
    now.strategy().upgrade(new Recorded(connection, handshake, now), endpoint, attachment, handshakeTimeout,
        callback);
  }

  @Deprecated
  @Override
  public boolean upgrade(TransportSecurityLayer connection, HttpHost host, SocketAddress localAddress,
      SocketAddress remoteAddress, Object attachment, Timeout handshakeTimeout) {
    upgrade(connection, host, attachment, handshakeTimeout, null);
    return true;
  }

  /** A connection as HttpClient's strategy sees it, its handshake observed before and after. */
  private final class Recorded implements TransportSecurityLayer {
    private final TransportSecurityLayer connection;
    private final Handshake handshake;
    private final Current current;

    Recorded(TransportSecurityLayer connection, Handshake handshake, Current current) {
      this.connection = connection;
      this.handshake = handshake;
      this.current = current;
    }

    @Override
    public void startTls(SSLContext context, NamedEndpoint endpoint, SSLBufferMode mode,
        SSLSessionInitializer initializer, SSLSessionVerifier verifier, Timeout timeout) {
      startTls(context, endpoint, mode, initializer, verifier, timeout, null);
    }

    @Override
    public void startTls(SSLContext context, NamedEndpoint endpoint, SSLBufferMode mode,
        SSLSessionInitializer initializer, SSLSessionVerifier verifier, Timeout timeout,
        FutureCallback<TransportSecurityLayer> callback) {
      connection.startTls(context, endpoint, mode, (named, engine) -> {
        recorder.begin(engine, handshake);
        if (initializer != null) {
          initializer.initialize(named, engine);
        }
      }, (named, engine) -> {
        try {
          TlsDetails details = verifier == null ? null : verifier.verify(named, engine);
          finish(engine);
          return details;
        } finally {
          recorder.end(engine);
        }
      }, timeout, callback);
    }

    @Override
    public TlsDetails getTlsDetails() {
      return connection.getTlsDetails();
    }

    private void finish(SSLEngine engine) throws SSLException {
      SSLSession session = engine.getSession();
      boolean resumed = Sessions.complete(handshake, session, clock);
      handshakes.incrementAndGet();
      if (resumed && current.trust() != null) {
        Sessions.recheckResumed(session, current.trust(), clock);
      }
      handshake.applicationProtocol(engine.getApplicationProtocol());
      handshake.attachTo(session);
      opened.opened(connection, handshake, session);
    }
  }
}
