package dev.mtls.server;

import io.undertow.server.HttpHandler;
import io.undertow.util.HttpString;
import java.util.Objects;

/**
 * One route of a service: a method, a path pattern, the roles a caller needs, and the Undertow handler that serves
 * it once the security chain has admitted the caller ({@link Caller#of} gives it the caller).
 */
record Route(HttpString method, PathPattern path, Roles roles, HttpHandler handler) {
  public Route {
    Objects.requireNonNull(method, "method == null");
    Objects.requireNonNull(path, "path == null");
    Objects.requireNonNull(roles, "roles == null");
    Objects.requireNonNull(handler, "handler == null");
  }

  /** This route with other roles (from a route rules file). */
  Route withRoles(Roles roles) {
    return new Route(method, path, roles, handler);
  }

  /** "GET /api/orders/{id}". */
  public String name() {
    return method + " " + path;
  }

  @Override
  public String toString() {
    return name() + " " + roles;
  }
}
