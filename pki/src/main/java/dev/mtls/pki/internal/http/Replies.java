package dev.mtls.pki.internal.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;

/** How the publication handlers answer, and the path of a request as it was sent. */
final class Replies {
  private Replies() {}

  /** The request's path as sent, percent-encoding kept: an OCSP GET carries base64 in it, where '/' is data. */
  static String rawPath(HttpServerExchange exchange) {
    String uri = exchange.getRequestURI();
    if (exchange.isHostIncludedInRequestURI()) {
      int slash = uri.indexOf('/', uri.indexOf("://") + 3);
      return slash < 0 ? "/" : uri.substring(slash);
    }
    return uri;
  }

  /** Ends the exchange with {@code status} and no body. */
  static void status(HttpServerExchange exchange, int status) {
    exchange.setStatusCode(status);
    exchange.endExchange();
  }

  /** Sends {@code body} as 200 without blocking: a peer that reads slowly holds no thread while it does. */
  static void send(HttpServerExchange exchange, String contentType, byte[] body) {
    exchange.setStatusCode(200);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
    exchange.setResponseContentLength(body.length);
    exchange.getResponseSender().send(ByteBuffer.wrap(body));
  }
}
