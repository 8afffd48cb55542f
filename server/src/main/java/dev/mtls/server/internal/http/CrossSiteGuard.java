package dev.mtls.server.internal.http;

import dev.mtls.server.Responses;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Refuses state-changing requests that a browser sent on behalf of another site. A browser presents its client
 * certificate to any page that makes it send a request here, so without this a page elsewhere could POST as the
 * browser's user (cross-site request forgery). Browsers say where a request comes from ({@code Sec-Fetch-Site},
 * {@code Origin}); other clients send neither and are not affected. GET, HEAD and OPTIONS change nothing and pass.
 */
final class CrossSiteGuard implements HttpHandler {
  private static final Set<HttpString> SAFE = Set.of(Methods.GET, Methods.HEAD, Methods.OPTIONS);
  private static final HttpString SEC_FETCH_SITE = new HttpString("Sec-Fetch-Site");

  private final HttpHandler next;

  CrossSiteGuard(HttpHandler next) {
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (SAFE.contains(exchange.getRequestMethod())) {
      next.handleRequest(exchange);
      return;
    }
    String problem = problem(exchange);
    if (problem == null) {
      next.handleRequest(exchange);
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", "cross-site request refused");
    body.put("why", problem);
    Responses.json(exchange, 403, body);
  }

  private static String problem(HttpServerExchange exchange) {
    String site = exchange.getRequestHeaders().getFirst(SEC_FETCH_SITE);
    if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
      return "the browser says this request comes from another site (Sec-Fetch-Site: "
          + site.toLowerCase(Locale.ROOT).replaceAll("[^a-z-]", "?") + ")";
    }
    String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
    String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
    if (origin != null && (host == null || !origin.equalsIgnoreCase("https://" + host))) {
      return "the request's Origin is not this server";
    }
    return null;
  }
}
