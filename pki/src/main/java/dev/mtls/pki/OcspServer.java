package dev.mtls.pki;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An {@link OcspResponder} over HTTP (RFC 6960 appendix A): {@code POST} with an {@code application/ocsp-request}
 * body, or {@code GET} with the request base64-encoded (and URL-encoded) as the last path segment, which caches
 * and proxies may keep until the answer's nextUpdate. Requests over {@value OcspResponder#MAX_REQUEST_BYTES} bytes
 * get 413; other methods 405. The JDK's own HTTP server: the CA has no web stack to carry.
 */
public final class OcspServer implements AutoCloseable {
  private static final String RESPONSE_TYPE = "application/ocsp-response";

  private final HttpServer http;
  private final ExecutorService threads;

  private OcspServer(HttpServer http, ExecutorService threads) {
    this.http = http;
    this.threads = threads;
  }

  /** Listens on {@code host}:{@code port} (0: any free port) and answers with {@code responder}. */
  public static OcspServer start(OcspResponder responder, String host, int port) throws IOException {
    Objects.requireNonNull(responder, "responder == null");
    HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 50);
    ExecutorService threads = Executors.newFixedThreadPool(4, runnable -> {
      Thread thread = new Thread(runnable, "ocsp-responder");
      thread.setDaemon(true);
      return thread;
    });
    http.setExecutor(threads);
    http.createContext("/", exchange -> answer(responder, exchange));
    http.start();
    return new OcspServer(http, threads);
  }

  /** The bound port. */
  public int port() {
    return http.getAddress().getPort();
  }

  private static void answer(OcspResponder responder, HttpExchange exchange) throws IOException {
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
      byte[] response = responder.respond(request);
      exchange.getResponseHeaders().set("Content-Type", RESPONSE_TYPE);
      if (cacheable) {
        exchange.getResponseHeaders().set("Cache-Control", "max-age=" + responder.validity().toSeconds()
            + ", public, no-transform, must-revalidate");
      }
      exchange.sendResponseHeaders(200, response.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(response);
      }
    }
  }

  /** The body, or null when it is larger than an OCSP request can reasonably be. */
  private static byte[] read(InputStream body) throws IOException {
    byte[] bytes = body.readNBytes(OcspResponder.MAX_REQUEST_BYTES + 1);
    return bytes.length > OcspResponder.MAX_REQUEST_BYTES ? null : bytes;
  }

  private static byte[] decodePath(String rawPath) {
    String last = rawPath.substring(rawPath.lastIndexOf('/') + 1);
    if (last.length() > OcspResponder.MAX_REQUEST_BYTES * 2) {
      return null;
    }
    try {
      // A '+' of the base64 may arrive unescaped; URLDecoder would make it a space.
      return Base64.getDecoder().decode(URLDecoder.decode(last.replace("+", "%2B"), StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      return new byte[0]; // answered malformedRequest
    }
  }

  @Override
  public void close() {
    http.stop(0);
    threads.shutdownNow();
  }
}
