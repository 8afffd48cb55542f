package dev.mtls.client;

import java.net.URI;
import java.time.Duration;

/**
 * A request that got a response (of any status).
 *
 * @param method        the HTTP method
 * @param uri           the request's URI
 * @param status        the response status
 * @param duration      from sending the request to reading the whole response, connecting included
 * @param newConnection whether the request opened a new connection (and so made a handshake)
 * @param version       the HTTP version the response came over
 */
public record CompletedRequest(String method, URI uri, int status, Duration duration, boolean newConnection,
    HttpVersion version) {

  /** A request that got its response over HTTP/1.1, as every request of the classic client does. */
  public CompletedRequest(String method, URI uri, int status, Duration duration, boolean newConnection) {
    this(method, uri, status, duration, newConnection, HttpVersion.HTTP_1_1);
  }
}
