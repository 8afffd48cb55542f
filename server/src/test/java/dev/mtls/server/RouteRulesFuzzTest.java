package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.server.internal.routing.RouteTable;
import dev.mtls.testing.ClearError;
import dev.mtls.testing.ParserFuzzTest;
import io.undertow.server.HttpHandler;
import io.undertow.util.HttpString;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Whatever a route rules file says, it parses into rules that the server's routes take, or it is refused with a
 * {@link ConfigException} that names the file and line and says what is wrong: no other exception, no hang.
 */
class RouteRulesFuzzTest {
  private static final HttpHandler NONE = exchange -> { };
  private static final List<Route> REGISTERED = List.of(route("GET", "/"), route("GET", "/whoami"),
      route("GET", "/api/reports"), route("POST", "/api/admin/reload"), route("GET", "/api/orders/{id}"),
      route("DELETE", "/api/orders/{id}"), route("GET", "/static/**"));
  private static final List<String> PATHS = List.of("/", "/whoami", "/api/orders/7", "/api/orders/", "/static/a/b",
      "/static", "//", "/api/reports/");

  @ParserFuzzTest
  void reads_or_refuses_any_route_rules_file(byte[] input) throws Exception {
    RouteRules rules;
    try {
      rules = RouteRules.parse(new String(input, StandardCharsets.UTF_8), "routes.conf");
    } catch (ConfigException e) {
      ClearError.assertClear(e, "routes.conf:");
      return;
    }
    for (RouteRules.Rule rule : rules.rules()) {
      PathPattern pattern = PathPattern.of(rule.path());
      PATHS.forEach(pattern::match);
      assertThat(pattern.compareTo(pattern)).isZero();
    }
    ClearError.readsOrRefuses(ConfigException.class, "routes.conf:",
        () -> assertThat(RouteTable.of(REGISTERED, rules).routes()).hasSize(rules.rules().size()));
  }

  private static Route route(String method, String path) {
    return new Route(HttpString.tryFromString(method), PathPattern.of(path), Roles.anyClient(), NONE);
  }
}
