package dev.mtls.server.internal.tls;

import io.undertow.protocols.ssl.UndertowXnioSsl;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.ssl.SslConnection;

/**
 * Ends a connection whose TLS handshake has not completed within the handshake timeout, even when nothing calls its
 * engine: a peer that sends nothing, or one that trickles a ClientHello, which Undertow's ALPN stage
 * ({@code ALPNLimitingSSLEngine}) holds back from the engine until it is whole. Until ALPN hands the connection to
 * HTTP/1.1 or HTTP/2, no timeout of Undertow's applies to it; the engine refuses it ({@code HANDSHAKE_TIMEOUT}).
 * Being where each TLS connection starts, it also tells a native engine ({@link NativeTls}) the thread to free its
 * state on once its connection has closed.
 */
public final class HandshakeDeadline implements ChannelListener<StreamConnection> {
  private final ChannelListener<StreamConnection> protocols;
  private final long millis;

  private HandshakeDeadline(ChannelListener<StreamConnection> protocols, Duration timeout) {
    this.protocols = protocols;
    this.millis = Math.max(1, timeout.toMillis());
  }

  /** {@code protocols}, for connections that complete their handshake within {@code timeout}. */
  public static ChannelListener<StreamConnection> around(ChannelListener<StreamConnection> protocols,
      Duration timeout) {
    return new HandshakeDeadline(protocols, timeout);
  }

  @Override
  public void handleEvent(StreamConnection connection) {
    if (connection instanceof SslConnection tls
        && UndertowXnioSsl.getSslConduit(tls).getSSLEngine() instanceof ObservedSslEngine engine) {
      engine.freeNativeStateOn(connection.getIoThread());
      XnioExecutor.Key deadline = connection.getIoThread().executeAfter(() -> {
        if (connection.isOpen() && engine.expired()) {
          IoUtils.safeClose(connection);
        }
      }, millis, TimeUnit.MILLISECONDS);
      // The timer holds the connection and its engine: let both go once the handshake has ended either way.
      engine.whenHandshakeEnds(deadline::remove);
    }
    protocols.handleEvent(connection);
  }
}
