package dev.mtls.pki.internal.http;

import io.undertow.io.Receiver;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.Headers;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.xnio.IoUtils;

/** How the publication handlers answer, and the path of a request as it was sent. */
public final class Replies {
  private Replies() {}

  /** The request's path as sent, percent-encoding kept: an OCSP GET carries base64 in it, where '/' is data. */
  public static String rawPath(HttpServerExchange exchange) {
    String uri = exchange.getRequestURI();
    if (exchange.isHostIncludedInRequestURI()) {
      int slash = uri.indexOf('/', uri.indexOf("://") + 3);
      return slash < 0 ? "/" : uri.substring(slash);
    }
    return uri;
  }

  /** Ends the exchange with {@code status} and no body. */
  public static void status(HttpServerExchange exchange, int status) {
    exchange.setStatusCode(status);
    exchange.endExchange();
  }

  /** Sends {@code body} as 200 without blocking: a peer that reads slowly holds no thread while it does. */
  public static void send(HttpServerExchange exchange, String contentType, byte[] body) {
    send(exchange, 200, contentType, body);
  }

  /** Sends {@code body} with {@code status}, as {@link #send(HttpServerExchange, String, byte[])} does. */
  public static void send(HttpServerExchange exchange, int status, String contentType, byte[] body) {
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
    exchange.setResponseContentLength(body.length);
    exchange.getResponseSender().send(ByteBuffer.wrap(body));
  }

  /** A body larger than the handler's limit gets 413, and the rest of it is not read; a broken one closes. */
  public static void unreadable(HttpServerExchange exchange, IOException error) {
    if (error instanceof Receiver.RequestToLargeException || error instanceof RequestTooBigException) {
      exchange.setPersistent(false);
      status(exchange, 413);
    } else {
      IoUtils.safeClose(exchange.getConnection());
    }
  }
}
