package dev.mtls.server;

import java.security.KeyManagementException;
import java.security.SecureRandom;
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
 * {@link ObservedSslEngine}, so refused handshakes become {@link Rejection}s. Undertow only ever asks a context for
 * engines.
 */
final class ServerSslContext extends SSLContext {
  ServerSslContext(SSLContext context, SSLParameters parameters, HandshakeEvents events) {
    super(new Spi(context, parameters, events), context.getProvider(), context.getProtocol());
  }

  private static final class Spi extends SSLContextSpi {
    private final SSLContext context;
    private final SSLParameters parameters;
    private final HandshakeEvents events;

    Spi(SSLContext context, SSLParameters parameters, HandshakeEvents events) {
      this.context = context;
      this.parameters = parameters;
      this.events = events;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
      throw new KeyManagementException("already initialised");
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
      return new ObservedSslEngine(engine, events);
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
