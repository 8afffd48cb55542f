package dev.mtls.pki.internal.http;

import io.undertow.io.Receiver;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * An OCSP responder over HTTP (RFC 6960 appendix A): {@code POST} with an {@code application/ocsp-request} body, or
 * {@code GET} with the request base64-encoded (and URL-encoded) as the last path segment, which caches and proxies may
 * keep for {@code maxAge}. Requests over the size limit get 413; other methods 405. The body is read without
 * blocking; the answer is made on a worker thread.
 */
public final class OcspHttpHandler implements HttpHandler {
  private static final String RESPONSE_TYPE = "application/ocsp-response";

  private final UnaryOperator<byte[]> responder;
  private final Duration maxAge;
  private final int maxRequestBytes;

  /** Answers each DER request with {@code responder}'s DER response. */
  public OcspHttpHandler(UnaryOperator<byte[]> responder, Duration maxAge, int maxRequestBytes) {
    this.responder = Objects.requireNonNull(responder, "responder == null");
    this.maxAge = Objects.requireNonNull(maxAge, "maxAge == null");
    this.maxRequestBytes = maxRequestBytes;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    if (Methods.POST.equals(exchange.getRequestMethod())) {
      Receiver body = exchange.getRequestReceiver();
      body.setMaxBufferSize(maxRequestBytes);
      body.receiveFullBytes((done, request) -> answer(done, request, false), Replies::unreadable);
    } else if (Methods.GET.equals(exchange.getRequestMethod())) {
      byte[] request = decodePath(Replies.rawPath(exchange));
      if (request == null) {
        Replies.status(exchange, 413);
        return;
      }
      answer(exchange, request, true);
    } else {
      exchange.getResponseHeaders().put(Headers.ALLOW, "GET, POST");
      Replies.status(exchange, 405);
    }
  }

  /** Parsing, looking up and signing are a worker thread's: the I/O thread serves every other connection. */
  private void answer(HttpServerExchange exchange, byte[] request, boolean cacheable) {
    exchange.dispatch((HttpHandler) working -> {
      byte[] response = responder.apply(request);
      if (cacheable) {
        working.getResponseHeaders().put(Headers.CACHE_CONTROL, "max-age=" + maxAge.toSeconds()
            + ", public, no-transform, must-revalidate");
      }
      Replies.send(working, RESPONSE_TYPE, response);
    });
  }

  /** The request in the last path segment, or null when it is longer than a request of the size limit can be. */
  private byte[] decodePath(String rawPath) {
    String last = rawPath.substring(rawPath.lastIndexOf('/') + 1);
    if (last.length() > maxRequestBytes * 2) {
      return null;
    }
    try {
      // A '+' of the base64 may arrive unescaped; URLDecoder would make it a space.
      return Base64.getDecoder().decode(URLDecoder.decode(last.replace("+", "%2B"), StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      return new byte[0]; // the responder answers malformedRequest
    }
  }
}
