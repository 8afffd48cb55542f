package dev.mtls.server.internal.http;

import dev.mtls.server.internal.tls.TlsConnection;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.SSLSessionInfo;
import java.time.Duration;
import java.util.Objects;

/**
 * Ends a connection after the response once it is older than the maximum lifetime ({@link ConnectionEnd}: HTTP/2
 * connections with a GOAWAY), so a client must handshake again: rotated server certificates, new trust anchors and
 * revocations then reach even long-lived keep-alive connections. Idle connections are closed by the server's idle
 * timeout, set to the same lifetime.
 */
final class ConnectionLifetimeHandler implements HttpHandler {
  private final HttpHandler next;
  private final long maxNanos;

  public ConnectionLifetimeHandler(HttpHandler next, Duration maxLifetime) {
    this.next = Objects.requireNonNull(next, "next == null");
    this.maxNanos = maxLifetime.toNanos();
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    SSLSessionInfo info = exchange.getConnection().getSslSessionInfo();
    if (info != null && info.getSSLSession() instanceof TlsConnection connection
        && System.nanoTime() - connection.startedAtNanos() >= maxNanos) {
      ConnectionEnd.afterResponse(exchange);
    }
    next.handleRequest(exchange);
  }
}
