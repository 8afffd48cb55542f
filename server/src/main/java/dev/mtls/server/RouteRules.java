package dev.mtls.server;

import dev.mtls.pki.material.SafeText;
import dev.mtls.server.internal.rules.RuleLines;
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

  /** Reads and validates a route rules file; errors name the file and line. */
  public static RouteRules load(Path file) {
    return of(RuleLines.read(file), file.toString());
  }

  /** Parses rules text; {@code source} names it in errors ({@code routes.conf:7: ...}). */
  public static RouteRules parse(String text, String source) {
    return of(RuleLines.parse(text, source), source);
  }

  private static RouteRules of(List<RuleLines.Line> lines, String source) {
    List<Rule> rules = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (RuleLines.Line line : lines) {
      List<String> tokens = line.tokens();
      if (tokens.size() < 3) {
        throw line.error("expected METHOD PATH ROLE... (use * for any verified client)");
      }
      String method = tokens.get(0);
      if (!METHODS.contains(method)) {
        throw line.error("unknown method '" + SafeText.escape(method) + "'; expected one of "
            + String.join(", ", METHODS));
      }
      String path = tokens.get(1);
      try {
        PathPattern.of(path);
      } catch (IllegalArgumentException e) {
        throw line.error(e.getMessage() + " (e.g. /api/orders/{id} or /static/**)");
      }
      if (!seen.add(method + " " + path)) {
        throw line.error("duplicate route " + method + " " + path);
      }
      rules.add(new Rule(method, path, roles(tokens.subList(2, tokens.size()), line), line.number()));
    }
    return new RouteRules(List.copyOf(rules), source);
  }

  private static Roles roles(List<String> tokens, RuleLines.Line line) {
    if (tokens.equals(List.of("*"))) {
      return Roles.anyClient();
    }
    Set<String> roles = new LinkedHashSet<>();
    for (String role : tokens) {
      if (!RuleLines.ROLE.matcher(role).matches()) {
        throw line.error("invalid role name '" + SafeText.escape(role) + "'" + (role.equals("*")
            ? "; '*' must stand alone" : ""));
      }
      roles.add(role);
    }
    return new Roles(roles);
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
