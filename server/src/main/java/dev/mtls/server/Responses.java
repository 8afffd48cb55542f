package dev.mtls.server;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/** The few ways the server answers, for handlers too: text, JSON or HTML, never sniffed, never cached. */
public final class Responses {
  private Responses() {}

  public static void text(HttpServerExchange exchange, int status, String text) {
    send(exchange, status, "text/plain; charset=utf-8", text.endsWith("\n") ? text : text + "\n");
  }

  public static void json(HttpServerExchange exchange, int status, Object value) {
    send(exchange, status, "application/json", Json.write(value) + "\n");
  }

  public static void html(HttpServerExchange exchange, int status, String html) {
    send(exchange, status, "text/html; charset=utf-8", html);
  }

  private static void send(HttpServerExchange exchange, int status, String contentType, String body) {
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
    exchange.getResponseHeaders().put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    exchange.getResponseSender().send(body);
  }
}
