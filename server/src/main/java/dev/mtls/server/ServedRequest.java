package dev.mtls.server;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One answered request.
 *
 * @param peer     the client's address, {@code host:port}
 * @param method   the request method
 * @param path     the request path (client-controlled: escape it wherever shown)
 * @param protocol {@code HTTP/2}, or the version an HTTP/1.x request line names ({@code HTTP/1.1}, {@code HTTP/1.0})
 * @param route    the route pattern that served it, e.g. {@code GET /api/orders/{id}}; null for 401/404/405
 * @param status   the HTTP status sent
 * @param duration from the start of the request to the end of the response
 * @param caller   who called; null when the security chain refused the request before identifying it
 * @param at       when the response completed
 */
public record ServedRequest(String peer, String method, String path, String protocol, String route, int status,
    Duration duration, Caller caller, Instant at) {
  public ServedRequest {
    Objects.requireNonNull(peer, "peer == null");
    Objects.requireNonNull(method, "method == null");
    Objects.requireNonNull(path, "path == null");
    Objects.requireNonNull(protocol, "protocol == null");
    Objects.requireNonNull(duration, "duration == null");
    Objects.requireNonNull(at, "at == null");
  }

}
