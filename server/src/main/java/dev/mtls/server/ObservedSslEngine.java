package dev.mtls.server;

import dev.mtls.pki.material.trust.Reason;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * A server SSLEngine that reports its own handshake failure (once) as a {@link Rejection}, tells the handlers whether
 * the handshake resumed a session, and holds the peer to what a TLS server owes nobody: a handshake that takes longer
 * than the handshake timeout, a TLS 1.2 renegotiation started by the client, and a connection over the per-address
 * limit are refused here. Everything else is passed to the JDK's engine.
 */
final class ObservedSslEngine extends SSLEngine {
  /** A TLS 1.2-versioned alert record: fatal (2), unexpected_message (10). */
  private static final byte[] UNEXPECTED_MESSAGE = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x0a};

  private final SSLEngine engine;
  private final HandshakeEvents events;
  private final long startedAtNanos = System.nanoTime();
  private final long startedAtMillis = System.currentTimeMillis();
  private final long handshakeDeadlineNanos;
  private final String refusal;
  private final Runnable release;
  private final AtomicBoolean released = new AtomicBoolean();
  private volatile boolean firstRecordSeen;
  /** The peer's first bytes were no TLS record; we answer with our own alert instead of the JDK's internal_error. */
  private volatile boolean notTls;
  private volatile boolean alertWritten;
  private volatile boolean failureLogged;
  private volatile boolean handshakeDone;
  private volatile Boolean resumed;

  /**
   * @param refusal null, or why this connection is refused before its first byte is read (over the per-address limit)
   * @param release called once when the connection closes
   */
  ObservedSslEngine(SSLEngine engine, HandshakeEvents events, Duration handshakeTimeout, String refusal,
      Runnable release) {
    super(engine.getPeerHost(), engine.getPeerPort());
    this.engine = engine;
    this.events = events;
    this.handshakeDeadlineNanos = startedAtNanos + handshakeTimeout.toNanos();
    this.refusal = refusal;
    this.release = release;
  }

  @Override
  public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
    if (notTls) {
      return unexpectedMessageAlert(dst);
    }
    guard();
    try {
      return observe(engine.wrap(srcs, offset, length, dst));
    } catch (SSLException e) {
      throw failed(e);
    }
  }

  @Override
  public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
    guard();
    if (!firstRecordSeen && src.hasRemaining()) {
      firstRecordSeen = true;
      int type = src.get(src.position()) & 0xff;
      // TLS records are of type 20-23; a first byte with the high bit set is an SSLv2-style hello the JDK refuses.
      if ((type < 20 || type > 23) && type < 0x80) {
        notTls = true;
        throw refuse(Reason.HANDSHAKE_FAILED, "the peer sent something that is not TLS"
            + (type >= 'A' && type <= 'Z' ? " (a plain HTTP request?)" : ""), Rejection.Stage.HANDSHAKE);
      }
    }
    try {
      return refuseRenegotiation(observe(engine.unwrap(src, dsts, offset, length)));
    } catch (SSLException e) {
      throw failed(e);
    }
  }

  /** Checked before the JDK's engine sees a byte: the refusals that do not depend on what the peer sent. */
  private void guard() throws SSLException {
    if (refusal != null) {
      throw refuse(Reason.TOO_MANY_CONNECTIONS, refusal, Rejection.Stage.HANDSHAKE);
    }
    if (!handshakeDone && System.nanoTime() - handshakeDeadlineNanos > 0) {
      throw refuse(Reason.HANDSHAKE_TIMEOUT, "the handshake did not complete within "
          + Duration.ofNanos(handshakeDeadlineNanos - startedAtNanos).toMillis() + " ms", Rejection.Stage.HANDSHAKE);
    }
  }

  /**
   * A TLS 1.2 ClientHello after the handshake is a renegotiation: it would make the server do a full handshake's
   * work again on a connection that already passed, for nothing. TLS 1.3 has none (its post-handshake messages are
   * key updates and tickets).
   */
  private SSLEngineResult refuseRenegotiation(SSLEngineResult result) throws SSLException {
    SSLEngineResult.HandshakeStatus status = result.getHandshakeStatus();
    // A close_notify also asks for a wrap (ours), but ends the inbound side: not a renegotiation.
    if (handshakeDone && result.getStatus() == SSLEngineResult.Status.OK && !engine.isInboundDone()
        && status != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
        && status != SSLEngineResult.HandshakeStatus.FINISHED && "TLSv1.2".equals(engine.getSession().getProtocol())) {
      throw refuse(Reason.RENEGOTIATION_REFUSED, "the client started a TLS 1.2 renegotiation",
          Rejection.Stage.OPEN_CONNECTION);
    }
    return result;
  }

  /**
   * RFC 8446 section 5: a record of an unexpected type ends the connection with unexpected_message. The JDK would
   * send internal_error, which blames the server.
   */
  private SSLEngineResult unexpectedMessageAlert(ByteBuffer dst) {
    if (alertWritten) {
      return new SSLEngineResult(SSLEngineResult.Status.CLOSED, SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING, 0, 0);
    }
    if (dst.remaining() < UNEXPECTED_MESSAGE.length) {
      return new SSLEngineResult(SSLEngineResult.Status.BUFFER_OVERFLOW, SSLEngineResult.HandshakeStatus.NEED_WRAP, 0,
          0);
    }
    dst.put(UNEXPECTED_MESSAGE);
    alertWritten = true;
    return new SSLEngineResult(SSLEngineResult.Status.CLOSED, SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING, 0,
        UNEXPECTED_MESSAGE.length);
  }

  private SSLException refuse(Reason reason, String sentence, Rejection.Stage stage) {
    if (!failureLogged) {
      failureLogged = true;
      events.refused(peer(), reason, sentence, stage);
    }
    engine.closeOutbound();
    return new SSLHandshakeException(reason.words() + ": " + sentence);
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
  @Override public void closeInbound() throws SSLException {
    released();
    engine.closeInbound();
  }
  @Override public boolean isInboundDone() { return engine.isInboundDone(); }
  @Override public void closeOutbound() {
    released();
    engine.closeOutbound();
  }

  /** Undertow closes both directions of the engine when the connection closes, whichever way it ends. */
  private void released() {
    if (released.compareAndSet(false, true)) {
      release.run();
    }
  }
  @Override public boolean isOutboundDone() { return notTls ? alertWritten : engine.isOutboundDone(); }
  @Override public String[] getSupportedCipherSuites() { return engine.getSupportedCipherSuites(); }
  @Override public String[] getEnabledCipherSuites() { return engine.getEnabledCipherSuites(); }
  @Override public void setEnabledCipherSuites(String[] suites) { engine.setEnabledCipherSuites(suites); }
  @Override public String[] getSupportedProtocols() { return engine.getSupportedProtocols(); }
  @Override public String[] getEnabledProtocols() { return engine.getEnabledProtocols(); }
  @Override public void setEnabledProtocols(String[] protocols) { engine.setEnabledProtocols(protocols); }
  @Override public void beginHandshake() throws SSLException { engine.beginHandshake(); }
  @Override public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
    if (notTls) {
      return alertWritten ? SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING : SSLEngineResult.HandshakeStatus.NEED_WRAP;
    }
    return engine.getHandshakeStatus();
  }
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
