package dev.mtls.server;

import dev.mtls.server.internal.http.Json;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * The few ways the server answers, for handlers too: text, JSON or HTML, never sniffed, never cached. An error
 * answer to a request whose body has not been read is sent after reading (and dropping) the body: a client still
 * sending would otherwise get a reset instead of the answer.
 */
public final class Responses {
  /** The most of an unread body read (and dropped) to deliver an error answer; beyond it the connection closes. */
  static final long DRAIN_LIMIT = 16L * 1024 * 1024;

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
    if (status >= 400 && !exchange.isRequestComplete() && exchange.isRequestChannelAvailable()) {
      exchange.setMaxEntitySize(Math.max(exchange.getMaxEntitySize(), DRAIN_LIMIT));
      exchange.getRequestReceiver().receivePartialBytes((done, bytes, last) -> {
        if (last) {
          write(done, status, contentType, body);
        }
      }, (failed, error) -> {
        failed.setPersistent(false);
        write(failed, status, contentType, body);
      });
      return;
    }
    write(exchange, status, contentType, body);
  }

  private static void write(HttpServerExchange exchange, int status, String contentType, String body) {
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
    exchange.getResponseHeaders().put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    exchange.getResponseSender().send(body);
  }
}
