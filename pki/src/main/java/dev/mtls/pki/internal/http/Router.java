package dev.mtls.pki.internal.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Hands each request to the service mounted at the longest path that serves it, by whole segments ({@code /ocsp}
 * serves {@code /ocsp} and {@code /ocsp/...}, not {@code /ocspx}); 404 when none does.
 */
public final class Router implements HttpHandler {
  private record Mount(String path, HttpHandler handler) {
    boolean serves(String requestPath) {
      return path.equals("/") || requestPath.equals(path) || requestPath.startsWith(path + "/");
    }
  }

  private final List<Mount> longestFirst = new ArrayList<>();

  /** Routes to {@code mounts}, each a path starting with '/' and its service. */
  public Router(Map<String, HttpHandler> mounts) {
    mounts.forEach((path, handler) -> longestFirst.add(new Mount(path, handler)));
    longestFirst.sort(Comparator.comparingInt((Mount m) -> m.path().length()).reversed());
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    String path = Replies.rawPath(exchange);
    for (Mount mount : longestFirst) {
      if (mount.serves(path)) {
        mount.handler().handleRequest(exchange);
        return;
      }
    }
    Replies.status(exchange, 404);
  }
}
