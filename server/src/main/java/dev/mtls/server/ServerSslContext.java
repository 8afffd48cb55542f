package dev.mtls.server;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.concurrent.ConcurrentHashMap;
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
 * signature schemes and groups from {@link dev.mtls.pki.material.trust.TlsPolicy}) and is an
 * {@link ObservedSslEngine}, so refused handshakes become {@link Rejection}s. Undertow asks it for one engine per
 * accepted connection, with the peer's address: that is where connections per address are counted.
 */
final class ServerSslContext extends SSLContext {
  private final Spi spi;

  private ServerSslContext(Spi spi, SSLContext context) {
    super(spi, context.getProvider(), context.getProtocol());
    this.spi = spi;
  }

  static ServerSslContext create(SSLContext context, SSLParameters parameters, HandshakeEvents events,
      Limits limits) {
    return new ServerSslContext(new Spi(context, parameters, events, limits), context);
  }

  /** TLS connections open now (counted from accept to close). */
  int openConnections() {
    return spi.openConnections();
  }

  private static final class Spi extends SSLContextSpi {
    private final SSLContext context;
    private final SSLParameters parameters;
    private final HandshakeEvents events;
    private final Limits limits;
    private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();

    Spi(SSLContext context, SSLParameters parameters, HandshakeEvents events, Limits limits) {
      this.context = context;
      this.parameters = parameters;
      this.events = events;
      this.limits = limits;
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
      String address = engine.getPeerHost() == null ? "" : engine.getPeerHost();
      int open = perAddress.merge(address, 1, Integer::sum);
      String refusal = open > limits.maxConnectionsPerAddress() ? "this address already has "
          + limits.maxConnectionsPerAddress() + " connections open" : null;
      return new ObservedSslEngine(engine, events, limits.handshakeTimeout(), refusal,
          () -> perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1));
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
