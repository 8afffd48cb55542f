package dev.mtls.server;

import io.undertow.server.HttpHandler;
import io.undertow.util.HttpString;
import java.util.Objects;

/**
 * One route of a service: a method, a path pattern, the roles a caller needs, and the Undertow handler that serves
 * it once the security chain has admitted the caller ({@link Caller#of} gives it the caller).
 *
 * @param method  the request method it answers
 * @param path    the path pattern it matches
 * @param roles   the roles that may call it (any one suffices)
 * @param handler the service's handler
 */
public record Route(HttpString method, PathPattern path, Roles roles, HttpHandler handler) {
  public Route {
    Objects.requireNonNull(method, "method == null");
    Objects.requireNonNull(path, "path == null");
    Objects.requireNonNull(roles, "roles == null");
    Objects.requireNonNull(handler, "handler == null");
  }

  /** This route with other roles (from a route rules file). */
  public Route withRoles(Roles roles) {
    return new Route(method, path, roles, handler);
  }

  /** {@code GET /api/orders/{id}}: how logs, metrics and rules name the route. */
  public String name() {
    return method + " " + path;
  }

  @Override
  public String toString() {
    return name() + " " + roles;
  }
}
