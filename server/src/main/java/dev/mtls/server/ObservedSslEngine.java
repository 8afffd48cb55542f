package dev.mtls.server;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * A server SSLEngine that reports its own handshake failure (once) as a {@link Rejection} and tells the handlers
 * whether the handshake resumed a session. Everything else is passed to the JDK's engine.
 */
final class ObservedSslEngine extends SSLEngine {
  private final SSLEngine engine;
  private final HandshakeEvents events;
  private final long startedAtNanos = System.nanoTime();
  private final long startedAtMillis = System.currentTimeMillis();
  private volatile boolean failureLogged;
  private volatile boolean handshakeDone;
  private volatile Boolean resumed;

  ObservedSslEngine(SSLEngine engine, HandshakeEvents events) {
    super(engine.getPeerHost(), engine.getPeerPort());
    this.engine = engine;
    this.events = events;
  }

  @Override
  public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
    try {
      return observe(engine.wrap(srcs, offset, length, dst));
    } catch (SSLException e) {
      throw failed(e);
    }
  }

  @Override
  public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
    try {
      return observe(engine.unwrap(src, dsts, offset, length));
    } catch (SSLException e) {
      throw failed(e);
    }
  }

  private SSLEngineResult observe(SSLEngineResult result) {
    if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED && !handshakeDone) {
      handshakeDone = true;
      SSLSession session = engine.getSession();
      // A session created before this connection started its handshake comes from an earlier connection.
      resumed = session.getCreationTime() < startedAtMillis;
      events.completed(peer(), session.getProtocol(), session.getCipherSuite(), resumed);
    }
    return result;
  }

  private SSLException failed(SSLException e) {
    if (!failureLogged && !handshakeDone) {
      failureLogged = true;
      events.failed(peer(), e);
    }
    return e;
  }

  private String peer() {
    String host = engine.getPeerHost();
    int port = engine.getPeerPort();
    if (host == null) {
      return "(unknown peer)";
    }
    return (host.contains(":") ? "[" + host + "]" : host) + (port > 0 ? ":" + port : "");
  }

  @Override
  public SSLSession getSession() {
    SSLSession session = engine.getSession();
    return resumed == null ? session : new TlsConnection(session, resumed, startedAtNanos);
  }

  @Override public SSLSession getHandshakeSession() { return engine.getHandshakeSession(); }
  @Override public Runnable getDelegatedTask() { return engine.getDelegatedTask(); }
  @Override public void closeInbound() throws SSLException { engine.closeInbound(); }
  @Override public boolean isInboundDone() { return engine.isInboundDone(); }
  @Override public void closeOutbound() { engine.closeOutbound(); }
  @Override public boolean isOutboundDone() { return engine.isOutboundDone(); }
  @Override public String[] getSupportedCipherSuites() { return engine.getSupportedCipherSuites(); }
  @Override public String[] getEnabledCipherSuites() { return engine.getEnabledCipherSuites(); }
  @Override public void setEnabledCipherSuites(String[] suites) { engine.setEnabledCipherSuites(suites); }
  @Override public String[] getSupportedProtocols() { return engine.getSupportedProtocols(); }
  @Override public String[] getEnabledProtocols() { return engine.getEnabledProtocols(); }
  @Override public void setEnabledProtocols(String[] protocols) { engine.setEnabledProtocols(protocols); }
  @Override public void beginHandshake() throws SSLException { engine.beginHandshake(); }
  @Override public SSLEngineResult.HandshakeStatus getHandshakeStatus() { return engine.getHandshakeStatus(); }
  @Override public void setUseClientMode(boolean mode) { engine.setUseClientMode(mode); }
  @Override public boolean getUseClientMode() { return engine.getUseClientMode(); }
  @Override public void setNeedClientAuth(boolean need) { engine.setNeedClientAuth(need); }
  @Override public boolean getNeedClientAuth() { return engine.getNeedClientAuth(); }
  @Override public void setWantClientAuth(boolean want) { engine.setWantClientAuth(want); }
  @Override public boolean getWantClientAuth() { return engine.getWantClientAuth(); }
  @Override public void setEnableSessionCreation(boolean flag) { engine.setEnableSessionCreation(flag); }
  @Override public boolean getEnableSessionCreation() { return engine.getEnableSessionCreation(); }
  @Override public SSLParameters getSSLParameters() { return engine.getSSLParameters(); }
  @Override public void setSSLParameters(SSLParameters parameters) { engine.setSSLParameters(parameters); }
  @Override public String getApplicationProtocol() { return engine.getApplicationProtocol(); }
  @Override public String getHandshakeApplicationProtocol() { return engine.getHandshakeApplicationProtocol(); }
  @Override public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
    engine.setHandshakeApplicationProtocolSelector(selector);
  }
  @Override public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
    return engine.getHandshakeApplicationProtocolSelector();
  }
}
