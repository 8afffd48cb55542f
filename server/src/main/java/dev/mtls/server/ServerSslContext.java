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
 * The server's SSLContext: every engine it creates starts with the project's TLS parameters (protocols and suites
 * from {@link dev.mtls.pki.material.TlsDefaults}) and is an {@link ObservedSslEngine}, so refused handshakes are
 * logged. Undertow only ever asks a context for engines.
 */
final class ServerSslContext extends SSLContext {
  ServerSslContext(SSLContext context, SSLParameters parameters) {
    super(new Spi(context, parameters), context.getProvider(), context.getProtocol());
  }

  private static final class Spi extends SSLContextSpi {
    private final SSLContext context;
    private final SSLParameters parameters;

    Spi(SSLContext context, SSLParameters parameters) {
      this.context = context;
      this.parameters = parameters;
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
      return new ObservedSslEngine(engine);
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
