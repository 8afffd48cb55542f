package dev.mtls.client.internal.pool;

import dev.mtls.client.internal.tls.Handshake;
import java.time.Instant;
import javax.net.ssl.SSLSession;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.nio.AsyncConnectionEndpoint;
import org.apache.hc.core5.http.HttpConnection;

/**
 * One HTTP/2 connection, leased from the pool once and lent to every request to its server. It is lent only while
 * it is open, of the material generation in service, and its verdict on the server holds (what
 * {@link DrainingReuseStrategy} checks of an HTTP/1.1 connection each time it comes back); otherwise it is retired:
 * lent no more, its streams in flight finish, and it closes when the last has ended. (Not by a GOAWAY of ours: a
 * server may end the streams in flight on receiving one.) Between requests it stays lent out of the pool, idle:
 * giving it back each time the last stream ended would let a request in that moment open a second connection. Its
 * counts are guarded by the {@link SharingConnectionManager}.
 */
final class SharedConnection {
  final HttpRoute route;
  final AsyncConnectionEndpoint endpoint;
  private final Handshake handshake;
  private final SSLSession session;
  private final HttpConnection connection;
  /** Requests holding it. */
  int users;
  /** Lent no more; closes when its last request has ended. */
  boolean retired;

  SharedConnection(HttpRoute route, AsyncConnectionEndpoint endpoint, Handshake handshake, SSLSession session,
      HttpConnection connection) {
    this.route = route;
    this.endpoint = endpoint;
    this.handshake = handshake;
    this.session = session;
    this.connection = connection;
  }

  /** Whether a new request may use it at {@code now}, with generation {@code generation} in service. */
  boolean lendable(long generation, Instant now) {
    if (retired || handshake.generation() != generation || !connection.isOpen()) {
      return false;
    }
    Instant until = DrainingReuseStrategy.validUntil(session);
    return until != null && until.isAfter(now);
  }
}
