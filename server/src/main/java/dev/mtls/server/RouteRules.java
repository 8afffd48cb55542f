package dev.mtls.server;

import dev.mtls.pki.material.SafeText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which roles each route needs. One route per line:
 *
 * <pre>
 * # METHOD  PATH               ROLES (any one suffices; * = any verified client)
 * GET       /whoami            *
 * GET       /api/reports       reader admin
 * POST      /api/admin/rotate  admin
 * </pre>
 *
 * Paths are exact. A route that is not listed is not served (404), even if the server has an endpoint for it:
 * access is denied by default. A listed path called with another method gets 405.
 */
public final class RouteRules {
  /** One route and the roles that may call it; an empty set means any verified client. */
  public record Route(String method, String path, Set<String> roles, int line) {
    public Route {
      Objects.requireNonNull(method, "method == null");
      Objects.requireNonNull(path, "path == null");
      roles = Set.copyOf(roles);
    }

    /** Whether a client with {@code granted} roles may call this route. */
    public boolean allows(Set<String> granted) {
      return roles.isEmpty() || roles.stream().anyMatch(granted::contains);
    }
  }

  private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
  private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~/-]*");

  private final List<Route> routes;
  private final String source;

  private RouteRules(List<Route> routes, String source) {
    this.routes = routes;
    this.source = source;
  }

  public static RouteRules load(Path file) {
    return parse(RuleTokens.read(file), file.toString());
  }

  public static RouteRules parse(String text, String source) {
    List<Route> routes = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int number = i + 1;
      List<String> tokens = RuleTokens.split(lines[i], source, number);
      if (tokens.isEmpty()) {
        continue;
      }
      if (tokens.size() < 3) {
        throw RoleRules.error(source, number, "expected METHOD PATH ROLE... (use * for any verified client)");
      }
      String method = tokens.get(0);
      if (!METHODS.contains(method)) {
        throw RoleRules.error(source, number, "unknown method '" + SafeText.escape(method) + "'; expected one of "
            + String.join(", ", METHODS));
      }
      String path = tokens.get(1);
      if (!PATH.matcher(path).matches()) {
        throw RoleRules.error(source, number, "invalid path '" + SafeText.escape(path)
            + "'; an exact path starting with '/'");
      }
      if (!seen.add(method + " " + path)) {
        throw RoleRules.error(source, number, "duplicate route " + method + " " + path);
      }
      List<String> roleTokens = tokens.subList(2, tokens.size());
      Set<String> roles = new LinkedHashSet<>();
      if (!roleTokens.equals(List.of("*"))) {
        for (String role : roleTokens) {
          if (!RuleTokens.ROLE.matcher(role).matches()) {
            throw RoleRules.error(source, number, "invalid role name '" + SafeText.escape(role)
                + "'" + (role.equals("*") ? "; '*' must stand alone" : ""));
          }
          roles.add(role);
        }
      }
      routes.add(new Route(method, path, roles, number));
    }
    return new RouteRules(List.copyOf(routes), source);
  }

  public List<Route> routes() {
    return routes;
  }

  /** Where these rules came from, for error messages. */
  public String source() {
    return source;
  }

  @Override
  public String toString() {
    return source + " (" + routes.size() + " routes)";
  }
}
