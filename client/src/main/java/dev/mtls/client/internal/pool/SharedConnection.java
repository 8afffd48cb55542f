package dev.mtls.client.internal.pool;

import dev.mtls.client.internal.tls.Handshake;
import java.io.IOException;
import java.time.Instant;
import javax.net.ssl.SSLSession;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.nio.AsyncConnectionEndpoint;
import org.apache.hc.core5.http.HttpConnection;
import org.apache.hc.core5.util.TimeValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 connection, leased from the pool once and lent to every request to its server. It is lent only while
 * it is open, of the material generation in service, and its verdict on the server holds (what
 * {@link DrainingReuseStrategy} checks of an HTTP/1.1 connection each time it comes back); otherwise it is retired:
 * closed gracefully (a GOAWAY: its streams in flight finish, no new one starts there), and given back to the pool
 * when its last request ends. The counts are guarded by the {@link SharingConnectionManager}.
 */
final class SharedConnection {
  private static final Logger LOG = LoggerFactory.getLogger(SharedConnection.class);

  final HttpRoute route;
  final AsyncConnectionEndpoint endpoint;
  private final Handshake handshake;
  private final SSLSession session;
  private final HttpConnection connection;
  /** Requests holding it. */
  int users;
  /** The keep-alive the last response allowed, for when it goes back to the pool. */
  TimeValue keepAlive = TimeValue.ZERO_MILLISECONDS;

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
    if (handshake.generation() != generation || !connection.isOpen()) {
      return false;
    }
    Instant until = DrainingReuseStrategy.validUntil(session);
    return until != null && until.isAfter(now);
  }

  /** Asks the connection to close once its streams in flight have finished. */
  void retire() {
    try {
      connection.close();
    } catch (IOException e) {
      LOG.debug("closing a retired HTTP/2 connection failed", e);
    }
  }
}
