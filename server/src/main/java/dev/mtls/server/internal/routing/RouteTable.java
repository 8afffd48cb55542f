package dev.mtls.server.internal.routing;

import dev.mtls.server.Caller;
import dev.mtls.server.ConfigException;
import dev.mtls.server.Responses;
import dev.mtls.server.Route;
import dev.mtls.server.RouteRules;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.PathTemplateMatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The routes in service, matched most specific first: a path no route matches is 404 (deny by default), a path
 * that matches with another method is 405 with an Allow header, a caller without one of the route's roles is 403
 * with a JSON body saying who it is, what the route needs and what it has. Path parameters are attached the way
 * Undertow's own routing does ({@link PathTemplateMatch}).
 */
public final class RouteTable implements HttpHandler {
  /** The route that served an exchange, for events and metrics. */
  public static final AttachmentKey<Route> MATCHED = AttachmentKey.create(Route.class);

  private final List<Route> routes;
  private final String source;

  private RouteTable(List<Route> routes, String source) {
    List<Route> sorted = new ArrayList<>(routes);
    sorted.sort(Comparator.comparing(Route::path));
    this.routes = List.copyOf(sorted);
    this.source = source;
  }

  /** The routes as the service registered them. */
  public static RouteTable of(List<Route> routes) {
    checkDistinct(routes, "the routes given to MtlsServer.builder()");
    return new RouteTable(routes, routes.size() + " routes");
  }

  /**
   * The registered routes with the roles {@code rules} assign: every rule must name a registered route, and a
   * registered route the rules do not list is not served.
   */
  public static RouteTable of(List<Route> registered, RouteRules rules) {
    Map<String, Route> byName = new LinkedHashMap<>();
    registered.forEach(route -> byName.put(route.name(), route));
    List<Route> routes = new ArrayList<>();
    for (RouteRules.Rule rule : rules.rules()) {
      Route route = byName.get(rule.method() + " " + rule.path());
      if (route == null) {
        throw new ConfigException(rules.source() + ":" + rule.line() + ": this server has no handler for "
            + rule.method() + " " + rule.path() + "; its routes are " + String.join(", ", byName.keySet()));
      }
      routes.add(route.withRoles(rule.roles()));
    }
    return new RouteTable(routes, rules.toString());
  }

  public List<Route> routes() {
    return routes;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    String path = exchange.getRelativePath();
    Set<String> allowed = new LinkedHashSet<>();
    for (Route route : routes) {
      Optional<Map<String, String>> parameters = route.path().match(path);
      if (parameters.isEmpty()) {
        continue;
      }
      if (!route.method().equals(exchange.getRequestMethod())) {
        allowed.add(route.method().toString());
        continue;
      }
      exchange.putAttachment(MATCHED, route);
      exchange.putAttachment(PathTemplateMatch.ATTACHMENT_KEY,
          new PathTemplateMatch(route.path().toString(), parameters.get()));
      parameters.get().forEach(exchange::addQueryParam);
      Caller caller = Caller.of(exchange);
      if (!route.roles().allow(caller.roles())) {
        forbidden(exchange, route, caller);
        return;
      }
      route.handler().handleRequest(exchange);
      return;
    }
    if (!allowed.isEmpty()) {
      exchange.getResponseHeaders().put(Headers.ALLOW, String.join(", ", allowed));
      Responses.text(exchange, 405, "method " + exchange.getRequestMethod() + " is not allowed here; allowed: "
          + String.join(", ", allowed));
      return;
    }
    Responses.text(exchange, 404, "no such route");
  }

  private static void forbidden(HttpServerExchange exchange, Route route, Caller caller) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", "forbidden");
    body.put("message", "your certificate does not hold a role that " + route.name() + " requires");
    body.put("subject", caller.identity().subject().toDisplayString());
    body.put("issuer", caller.identity().issuer().toDisplayString());
    body.put("serial", caller.identity().serialHex());
    body.put("route", route.name());
    body.put("requiredRoles", new TreeSet<>(route.roles().required()));
    body.put("yourRoles", new TreeSet<>(caller.roles()));
    Responses.json(exchange, 403, body);
  }

  private static void checkDistinct(List<Route> routes, String where) {
    Set<String> seen = new LinkedHashSet<>();
    for (Route route : routes) {
      if (!seen.add(route.name())) {
        throw new IllegalArgumentException(where + ": " + route.name() + " is registered twice");
      }
    }
  }

  /** "5 routes", for the reload event. */
  public String describe() {
    return routes.size() + " routes";
  }

  @Override
  public String toString() {
    return source;
  }
}
