package dev.mtls.server;

import dev.mtls.pki.material.SafeText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which roles each route needs, kept in a file an operator can change while the server runs. One route per line:
 *
 * <pre>
 * # METHOD  PATH                 ROLES (any one suffices; * = any verified client)
 * GET       /whoami              *
 * GET       /api/orders/{id}     orders admin
 * GET       /static/**           *
 * </pre>
 *
 * Paths are {@link PathPattern}s and must name routes the service registered. With rules, a registered route that
 * is not listed is not served (404): access is denied by default. A listed path called with another method gets 405.
 */
public final class RouteRules {
  /** One line: a route and the roles that may call it. */
  public record Rule(String method, String path, Roles roles, int line) {
    public Rule {
      Objects.requireNonNull(method, "method == null");
      Objects.requireNonNull(path, "path == null");
      Objects.requireNonNull(roles, "roles == null");
    }
  }

  private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
  private final List<Rule> rules;
  private final String source;

  private RouteRules(List<Rule> rules, String source) {
    this.rules = rules;
    this.source = source;
  }

  public static RouteRules load(Path file) {
    return parse(RuleTokens.read(file), file.toString());
  }

  public static RouteRules parse(String text, String source) {
    List<Rule> rules = new ArrayList<>();
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
      try {
        PathPattern.of(path);
      } catch (IllegalArgumentException e) {
        throw RoleRules.error(source, number, e.getMessage() + " (e.g. /api/orders/{id} or /static/**)");
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
      rules.add(new Rule(method, path, new Roles(roles), number));
    }
    return new RouteRules(List.copyOf(rules), source);
  }

  public List<Rule> rules() {
    return rules;
  }

  /** Where these rules came from, for error messages. */
  public String source() {
    return source;
  }

  @Override
  public String toString() {
    return source + " (" + rules.size() + " routes)";
  }
}
