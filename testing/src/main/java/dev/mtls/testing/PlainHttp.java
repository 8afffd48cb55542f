package dev.mtls.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plain HTTP for tests of the endpoints that speak it (the server's management port, an OCSP responder, a CRL
 * publisher), through the JDK's HttpClient, with a timeout. Tests of modules that declare a module-info call it from
 * here, so they need not read {@code java.net.http} themselves.
 */
public final class PlainHttp {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A response: status, body as text, raw body, headers. */
  public record Response(int status, String body, byte[] bytes, Map<String, List<String>> headers) {
    public Optional<String> header(String name) {
      return headers.entrySet().stream().filter(entry -> entry.getKey().equalsIgnoreCase(name))
          .flatMap(entry -> entry.getValue().stream()).findFirst();
    }
  }

  private PlainHttp() {}

  public static Response get(URI uri) {
    return send("GET", uri, null, null);
  }

  /** Sends {@code method} with {@code body} (null: none) of {@code contentType}. */
  public static Response send(String method, URI uri, byte[] body, String contentType) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    try {
      HttpResponse<byte[]> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Response(response.statusCode(), new String(response.body(), java.nio.charset.StandardCharsets.UTF_8),
          response.body(), response.headers().map());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + uri + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + method + " " + uri, e);
    }
  }
}
