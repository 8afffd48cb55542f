package dev.mtls.server.internal.tls;

import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.Verdict;
import dev.mtls.server.Rejection;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;

/**
 * A server SSLEngine that reports its own handshake's end (once) as an event, keeps the verdict the client was
 * admitted on with the connection ({@link TlsConnection}), tells the handlers whether the handshake resumed a
 * session, and holds the peer to what a TLS server owes nobody: a handshake that takes longer than the handshake
 * timeout, a TLS 1.2 renegotiation started by the client, and a connection over the per-address limit are refused
 * here. Everything else is the JDK's engine.
 */
final class ObservedSslEngine extends ForwardingSslEngine {
  /** A TLS 1.2-versioned alert record: fatal (2), unexpected_message (10). */
  private static final byte[] UNEXPECTED_MESSAGE = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x0a};

  /** The engine the trust manager is called with: this one's, or the one inside it (Conscrypt wraps its own). */
  private final SSLEngine judged;
  private final boolean nativeState;
  private final HandshakeOutcomes outcomes;
  private final HandshakeVerdicts verdicts;
  private final long startedAtNanos = System.nanoTime();
  private final long startedAtMillis = System.currentTimeMillis();
  private final long handshakeDeadlineNanos;
  private final String refusal;
  private final Runnable release;
  private final UnservedConnections.Unserved unserved;
  private final AtomicBoolean released = new AtomicBoolean();
  private final AtomicBoolean freeing = new AtomicBoolean();
  private volatile Executor freeOn;
  private volatile boolean ended;
  private final AtomicReference<Runnable> onHandshakeEnd = new AtomicReference<>();
  private volatile boolean inboundClosed;
  private volatile boolean outboundClosed;
  private volatile boolean firstRecordSeen;
  /** The peer's first bytes were no TLS record; we answer with our own alert instead of the JDK's internal_error. */
  private volatile boolean notTls;
  private volatile boolean alertWritten;
  private volatile boolean outcomeReported;
  private volatile boolean handshakeDone;
  private volatile Boolean resumed;
  private volatile Verdict admittedOn;
  private volatile TlsConnection connection;

  /**
   * @param refusal null, or why this connection is refused before its first byte is read (over the per-address limit)
   * @param release called once when the connection closes
   * @param unserved this connection until its first request begins
   */
  ObservedSslEngine(SSLEngine engine, SSLEngine judged, boolean nativeState, HandshakeOutcomes outcomes,
      HandshakeVerdicts verdicts, Duration handshakeTimeout, String refusal, Runnable release,
      UnservedConnections.Unserved unserved) {
    super(engine);
    this.judged = judged;
    this.nativeState = nativeState;
    this.outcomes = outcomes;
    this.verdicts = verdicts;
    this.handshakeDeadlineNanos = startedAtNanos + handshakeTimeout.toNanos();
    this.refusal = refusal;
    this.release = release;
    this.unserved = unserved;
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
      throw handshakeTimedOut();
    }
  }

  /**
   * The handshake's deadline has passed ({@link HandshakeDeadline}): whether the handshake is still unfinished, then
   * refused. Needed when nothing calls the engine: a peer that sends nothing, or a ClientHello that Undertow's ALPN
   * stage holds back until it is complete.
   */
  boolean expired() {
    if (handshakeDone) {
      return false;
    }
    handshakeTimedOut();
    return true;
  }

  private SSLException handshakeTimedOut() {
    return refuse(Reason.HANDSHAKE_TIMEOUT, "the handshake did not complete within "
        + Duration.ofNanos(handshakeDeadlineNanos - startedAtNanos).toMillis() + " ms", Rejection.Stage.HANDSHAKE);
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
    if (!outcomeReported) {
      outcomeReported = true;
      outcomes.refused(peer(), reason, sentence, stage);
    }
    engine.closeOutbound();
    return new SSLHandshakeException(reason.words() + ": " + sentence);
  }

  private SSLEngineResult observe(SSLEngineResult result) {
    if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED && !handshakeDone) {
      handshakeDone = true;
      SSLSession session = engine.getSession();
      admittedOn = verdicts.take(judged);
      // A session created before this connection started its handshake comes from an earlier connection. BoringSSL
      // keeps a session's creation time in whole seconds: compare with the second this one started in.
      resumed = session.getCreationTime() < (nativeState ? startedAtMillis - startedAtMillis % 1000 : startedAtMillis);
      outcomes.completed(peer(), session.getProtocol(), session.getCipherSuite(), resumed);
      handshakeEnded();
    }
    return result;
  }

  private SSLException failed(SSLException e) {
    Verdict verdict = verdicts.take(judged);
    if (!outcomeReported && !handshakeDone) {
      outcomeReported = true;
      outcomes.failed(peer(), e, verdict);
    }
    handshakeEnded();
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

  /** After the handshake: the connection's view of the session, with the verdict it was admitted on. */
  @Override
  public SSLSession getSession() {
    SSLSession session = engine.getSession();
    if (resumed == null) {
      return session;
    }
    // Asked for on every request: one view per session, not one per call.
    TlsConnection view = connection;
    if (view == null || !view.isViewOf(session)) {
      view = new TlsConnection(session, resumed, startedAtNanos, admittedOn, unserved);
      connection = view;
    }
    return view;
  }

  @Override
  public void closeInbound() throws SSLException {
    inboundClosed = true;
    try {
      engine.closeInbound();
    } finally {
      closedOneWay();
    }
  }

  @Override
  public void closeOutbound() {
    outboundClosed = true;
    engine.closeOutbound();
    closedOneWay();
  }

  @Override
  public boolean isOutboundDone() {
    return notTls ? alertWritten : engine.isOutboundDone();
  }

  @Override
  public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
    if (notTls) {
      return alertWritten ? SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING : SSLEngineResult.HandshakeStatus.NEED_WRAP;
    }
    return engine.getHandshakeStatus();
  }

  /** Undertow closes both directions of the engine when the connection closes, whichever way it ends. */
  private void released() {
    if (released.compareAndSet(false, true)) {
      verdicts.take(judged);
      release.run();
      unserved.settle();
      handshakeEnded();
    }
  }

  /**
   * {@code action} runs once when the handshake has ended: completed, failed, or its connection closed. Runs at
   * once if it already has.
   */
  void whenHandshakeEnds(Runnable action) {
    onHandshakeEnd.set(action);
    if (ended) {
      handshakeEnded();
    }
  }

  private void handshakeEnded() {
    ended = true;
    Runnable action = onHandshakeEnd.getAndSet(null);
    if (action != null) {
      action.run();
    }
  }

  /**
   * For an engine with native state: once Undertow has closed both directions (it does when the connection closes,
   * whichever way it ends), free it on {@code ioThread}, the connection's, after what Undertow does in the same
   * turn: when the outbound side closes last, Undertow wraps our close_notify right after closing it.
   */
  void freeNativeStateOn(Executor ioThread) {
    if (nativeState) {
      this.freeOn = ioThread;
    }
  }

  private void closedOneWay() {
    released();
    if (freeOn != null && inboundClosed && outboundClosed && freeing.compareAndSet(false, true)) {
      freeOn.execute(() -> NativeTls.free(engine));
    }
  }
}
