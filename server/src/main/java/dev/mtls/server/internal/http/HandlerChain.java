package dev.mtls.server.internal.http;

import dev.mtls.server.ProxyKeys;
import dev.mtls.server.ServerListener;
import dev.mtls.server.internal.identity.ClientAuthenticator;
import dev.mtls.server.internal.routing.RouteTable;
import io.undertow.server.HttpHandler;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The one place that says what every HTTPS request goes through, outermost first. Each step is one handler with one
 * job; a step that answers (401, 403, 404...) ends the request there.
 */
public final class HandlerChain {
  private HandlerChain() {}

  /** What the chain needs to know. */
  public record Parts(Drain drain, ServerListener listener, Clock clock, Duration maxConnectionLifetime,
      ClientAuthenticator authenticator, ProxyKeys trustedProxies, List<X509Certificate> forwardedIntermediates,
      Supplier<RouteTable> routes) {}

  public static HttpHandler of(Parts parts) {
    HttpHandler routes = exchange -> parts.routes().get().handleRequest(exchange);
    return outermostFirst(routes,
        // 0. The streams of each HTTP/2 connection are counted while in progress: a GOAWAY waits for them.
        Http2Connection::countingStreams,
        // 1. While the server stops, every response ends its connection; it waits for requests in progress.
        parts.drain()::around,
        // 2. HSTS on every answer, whoever writes it.
        SecurityHeaders::new,
        // 3. A ServedRequest event for every request, whatever answers it.
        next -> new RequestEvents(next, parts.listener(), parts.clock()),
        // 4. Connections older than the maximum lifetime end after this response.
        next -> new ConnectionLifetimeHandler(next, parts.maxConnectionLifetime()),
        // 5. The client of the connection becomes the Caller, on a verdict that still holds; else 401 and its end.
        next -> new DirectClientHandler(next, parts.authenticator(), parts.listener(), parts.clock()),
        // 6. A pinned proxy's forwarded client certificate replaces the Caller; from anyone else, 400.
        next -> new ForwardedClientHandler(next, parts.trustedProxies(), parts.forwardedIntermediates(),
            parts.authenticator(), parts.listener(), parts.clock()),
        // 7. State-changing requests a browser sent for another site are refused (403).
        CrossSiteGuard::new);
    // 8. The route table: 404 for no route, 405 for another method, 403 without one of the route's roles.
  }

  @SafeVarargs
  private static HttpHandler outermostFirst(HttpHandler innermost, UnaryOperator<HttpHandler>... steps) {
    HttpHandler handler = innermost;
    for (int i = steps.length - 1; i >= 0; i--) {
      handler = steps[i].apply(handler);
    }
    return handler;
  }
}
