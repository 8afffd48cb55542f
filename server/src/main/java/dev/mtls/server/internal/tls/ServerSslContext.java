package dev.mtls.server.internal.tls;

import dev.mtls.pki.material.reload.ReloadableIdentity;
import dev.mtls.pki.material.trust.PeerTrustManager;
import dev.mtls.pki.material.trust.TlsPolicy;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.server.Limits;
import dev.mtls.server.ServerListener;
import dev.mtls.server.TlsEngine;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The server's SSLContext: every engine it creates starts with the project's TLS parameters (protocols, suites,
 * signature schemes and groups from {@link TlsPolicy}), answers ALPN offers ({@link ApplicationProtocols}) and is an
 * {@link ObservedSslEngine}, so each handshake's end becomes an event and its verdict stays with its connection.
 * Undertow asks it for one engine per accepted connection, with the peer's address: that is where connections per
 * address are counted.
 */
public final class ServerSslContext extends SSLContext {
  private final Spi spi;

  private ServerSslContext(Spi spi, SSLContext context) {
    super(spi, context.getProvider(), context.getProtocol());
    this.spi = spi;
  }

  /**
   * The server's context: {@code identity}'s key manager; the trust core judging clients, each verdict kept with the
   * connection it admits; the policy's parameters for {@code protocols}; TLS sessions that cannot be resumed after
   * {@code sessionLifetime} (a resumable session carries a validation, which must not outlive a connection); ALPN
   * answering {@code h2} when {@code http2}, else {@code http/1.1} only; when {@code staplingTimeout} is not
   * null, OCSP stapling for our own certificate; up to {@code sessionCache} sessions kept for resumption (0:
   * stateless tickets instead); TLS spoken by {@code tlsEngine}.
   */
  public static ServerSslContext create(ReloadableIdentity identity, Supplier<Trust> trust, Clock clock,
      List<String> protocols, boolean http2, Duration staplingTimeout, Duration sessionLifetime, int sessionCache,
      Limits limits, TlsEngine tlsEngine, ServerListener listener, UnservedConnections unserved) {
    HandshakeVerdicts verdicts = new HandshakeVerdicts();
    NativeTls conscrypt = tlsEngine == TlsEngine.CONSCRYPT ? NativeTls.conscrypt() : null;
    Supplier<SSLContext> create = () -> TlsPolicy.context(identity.keyManager(),
        PeerTrustManager.forClients(trust, clock).observedWithEngine(verdicts::reached),
        conscrypt == null ? null : conscrypt.provider());
    Map<String, String> switches = new HashMap<>();
    if (staplingTimeout != null) {
      OcspStapling.responseTimeout(staplingTimeout);
      switches.put(JdkSwitches.STAPLING, "true");
    }
    if (sessionCache > 0) {
      // JSSE then keeps sessions here instead of sealing each in a ticket it decrypts and issues again at every
      // resumption (resumed TLS 1.2 handshakes ran 3-50% slower that way).
      switches.put(JdkSwitches.STATELESS_TICKETS, "false");
    }
    SSLContext context = JdkSwitches.creating(switches, create);
    context.getServerSessionContext().setSessionTimeout(
        (int) Math.min(Integer.MAX_VALUE, Math.max(1, sessionLifetime.toSeconds())));
    if (sessionCache > 0) {
      context.getServerSessionContext().setSessionCacheSize(sessionCache);
    }
    SSLParameters parameters = TlsPolicy.parameters(context, protocols);
    return new ServerSslContext(new Spi(context, parameters, new ApplicationProtocols(http2),
        new HandshakeOutcomes(listener, clock), verdicts, limits, conscrypt, unserved), context);
  }

  /** The parameters every engine starts with (Undertow applies its own protocol and suite options after them). */
  public SSLParameters parameters() {
    return spi.parameters;
  }

  /** TLS connections open now (counted from accept to close). */
  public int openConnections() {
    return spi.openConnections();
  }

  private static final class Spi extends SSLContextSpi {
    private final SSLContext context;
    private final SSLParameters parameters;
    private final ApplicationProtocols applicationProtocols;
    private final HandshakeOutcomes outcomes;
    private final HandshakeVerdicts verdicts;
    private final Limits limits;
    private final NativeTls conscrypt;
    private final UnservedConnections unserved;
    private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();

    Spi(SSLContext context, SSLParameters parameters, ApplicationProtocols applicationProtocols,
        HandshakeOutcomes outcomes, HandshakeVerdicts verdicts, Limits limits, NativeTls conscrypt,
        UnservedConnections unserved) {
      this.context = context;
      this.parameters = parameters;
      this.applicationProtocols = applicationProtocols;
      this.outcomes = outcomes;
      this.verdicts = verdicts;
      this.limits = limits;
      this.conscrypt = conscrypt;
      this.unserved = unserved;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
      throw new KeyManagementException("already initialised");
    }

    /** Connections open from each address, for tests and status. */
    int openConnections() {
      return perAddress.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return configure(context.createSSLEngine());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return configure(context.createSSLEngine(host, port));
    }

    private SSLEngine configure(SSLEngine engine) {
      engine.setUseClientMode(false);
      engine.setSSLParameters(parameters);
      engine.setHandshakeApplicationProtocolSelector(applicationProtocols);
      String address = engine.getPeerHost() == null ? "" : engine.getPeerHost();
      int open = perAddress.merge(address, 1, Integer::sum);
      String refusal = open > limits.maxConnectionsPerAddress() ? "this address already has "
          + limits.maxConnectionsPerAddress() + " connections open" : null;
      return new ObservedSslEngine(engine, conscrypt == null ? engine : conscrypt.judged(engine), conscrypt != null,
          outcomes, verdicts, limits.handshakeTimeout(), refusal,
          () -> perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1), unserved.accepted());
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return context.getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return context.getServerSocketFactory();
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return context.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return context.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return parameters;
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return context.getSupportedSSLParameters();
    }
  }
}
