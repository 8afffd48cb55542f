package dev.mtls.server.internal.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * Headers every HTTPS answer carries, whoever writes it: HSTS, so a browser that once reached the server never
 * tries it over plain HTTP (one year; no includeSubDomains, which would bind every other host of the domain).
 */
final class SecurityHeaders implements HttpHandler {
  static final String HSTS = "max-age=31536000";

  private final HttpHandler next;

  SecurityHeaders(HttpHandler next) {
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    exchange.getResponseHeaders().put(Headers.STRICT_TRANSPORT_SECURITY, HSTS);
    next.handleRequest(exchange);
  }
}
