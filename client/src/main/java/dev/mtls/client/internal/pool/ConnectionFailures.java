package dev.mtls.client.internal.pool;

import dev.mtls.client.internal.tls.Handshake;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.reactor.IOSessionListener;
import org.apache.hc.core5.reactor.ssl.TransportSecurityLayer;
import org.apache.hc.core5.util.Identifiable;

/**
 * Records what ended each connection into the handshake that made it ({@link Handshake#connectionFailed}). Over
 * HTTP/2 a request queued on a connection that a TLS 1.3 server closes with an alert (refusing our certificate)
 * learns only that the connection closed; the alert reaches the connection's I/O session, and from there the
 * failure's explanation. Sessions are known by their id, from the handshake to their disconnection.
 */
final class ConnectionFailures implements IOSessionListener {
  private final Map<String, Handshake> open = new ConcurrentHashMap<>();

  /** A connection completed its handshake (told on its I/O thread). */
  void opened(TransportSecurityLayer connection, Handshake handshake) {
    if (connection instanceof Identifiable identified) {
      open.put(identified.getId(), handshake);
    }
  }

  @Override
  public void exception(IOSession session, Exception failure) {
    Handshake handshake = open.get(session.getId());
    if (handshake != null) {
      handshake.connectionFailed(failure);
    }
  }

  @Override
  public void disconnected(IOSession session) {
    open.remove(session.getId());
  }

  @Override
  public void connected(IOSession session) {}

  @Override
  public void startTls(IOSession session) {}

  @Override
  public void inputReady(IOSession session) {}

  @Override
  public void outputReady(IOSession session) {}

  @Override
  public void timeout(IOSession session) {}
}
