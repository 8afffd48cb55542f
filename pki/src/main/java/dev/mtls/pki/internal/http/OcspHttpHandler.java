package dev.mtls.pki.internal.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * An OCSP responder over HTTP (RFC 6960 appendix A): {@code POST} with an {@code application/ocsp-request} body, or
 * {@code GET} with the request base64-encoded (and URL-encoded) as the last path segment, which caches and proxies may
 * keep for {@code maxAge}. Requests over the size limit get 413; other methods 405.
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
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] request;
      boolean cacheable = false;
      if ("POST".equals(exchange.getRequestMethod())) {
        request = read(exchange.getRequestBody());
      } else if ("GET".equals(exchange.getRequestMethod())) {
        request = decodePath(exchange.getRequestURI().getRawPath());
        cacheable = true;
      } else {
        exchange.getResponseHeaders().set("Allow", "GET, POST");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      if (request == null) {
        exchange.sendResponseHeaders(413, -1);
        return;
      }
      byte[] response = responder.apply(request);
      exchange.getResponseHeaders().set("Content-Type", RESPONSE_TYPE);
      if (cacheable) {
        exchange.getResponseHeaders().set("Cache-Control", "max-age=" + maxAge.toSeconds()
            + ", public, no-transform, must-revalidate");
      }
      exchange.sendResponseHeaders(200, response.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(response);
      }
    }
  }

  /** The body, or null when it is larger than an OCSP request can reasonably be. */
  private byte[] read(InputStream body) throws IOException {
    byte[] bytes = body.readNBytes(maxRequestBytes + 1);
    return bytes.length > maxRequestBytes ? null : bytes;
  }

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
