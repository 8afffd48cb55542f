package dev.mtls.server.internal.http;

import io.undertow.server.HttpServerExchange;

/** Ends a client's connection after a response, as its protocol allows without cutting a response. */
final class ConnectionEnd {
  private ConnectionEnd() {}

  /**
   * HTTP/1.1: this response closes the connection ({@code Connection: close}). HTTP/2, where one connection carries
   * several requests at once: a GOAWAY once none is in progress ({@link Http2Connection#close()}).
   */
  static void afterResponse(HttpServerExchange exchange) {
    Http2Connection http2 = exchange.getConnection().getAttachment(Http2Connection.KEY);
    if (http2 != null) {
      http2.close();
    } else {
      exchange.setPersistent(false);
    }
  }
}
