package dev.mtls.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Lets a request through to one route only when the client holds one of the route's roles; otherwise 403 with a
 * JSON body that says who the client is, what the route needs and what the client has.
 */
public final class RoleCheckHandler implements HttpHandler {
  private final HttpHandler next;
  private final RouteRules.Route route;

  public RoleCheckHandler(HttpHandler next, RouteRules.Route route) {
    this.next = Objects.requireNonNull(next, "next == null");
    this.route = Objects.requireNonNull(route, "route == null");
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    Set<String> roles = RoleMappingHandler.roles(exchange);
    if (route.allows(roles)) {
      next.handleRequest(exchange);
      return;
    }
    ClientIdentity identity = ClientIdentityHandler.identity(exchange);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", "forbidden");
    body.put("message", "your certificate does not hold a role that " + route.method() + " " + route.path()
        + " requires");
    body.put("subject", identity == null ? null : identity.subject().toDisplayString());
    body.put("issuer", identity == null ? null : identity.issuer().toDisplayString());
    body.put("serial", identity == null ? null : identity.serialHex());
    body.put("route", route.method() + " " + route.path());
    body.put("requiredRoles", new TreeSet<>(route.roles()));
    body.put("yourRoles", new TreeSet<>(roles));
    Responses.json(exchange, 403, body);
  }
}
