package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.tls.TlsProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Route rules: which roles each registered route needs, from a file that can change while the server runs. */
class RouteRulesTest {
  private final ServerFixture pki = new ServerFixture();

  @TempDir
  Path dir;

  @Test
  void a_rule_allows_any_of_its_roles_and_star_allows_any_client() {
    RouteRules rules = RouteRules.parse("GET /api/reports reader admin\nGET /whoami *\n", "routes.conf");

    Roles reports = rules.rules().get(0).roles();
    assertThat(reports.allow(Set.of("admin"))).isTrue();
    assertThat(reports.allow(Set.of("auditor"))).isFalse();
    assertThat(rules.rules().get(1).roles().allow(Set.of())).isTrue();
  }

  @Test
  void mistakes_are_reported_with_file_and_line() {
    assertThatThrownBy(() -> RouteRules.parse("GET /x\n", "routes.conf")).hasMessage(
        "routes.conf:1: expected METHOD PATH ROLE... (use * for any verified client)");
    assertThatThrownBy(() -> RouteRules.parse("FETCH /x admin\n", "routes.conf")).hasMessage(
        "routes.conf:1: unknown method 'FETCH'; expected one of GET, HEAD, POST, PUT, PATCH, DELETE");
    assertThatThrownBy(() -> RouteRules.parse("GET x admin\n", "routes.conf")).hasMessage(
        "routes.conf:1: invalid path 'x': it must start with '/' (e.g. /api/orders/{id} or /static/**)");
    assertThatThrownBy(() -> RouteRules.parse("GET /a/**/b admin\n", "routes.conf")).hasMessage(
        "routes.conf:1: invalid path '/a/**/b': '**' must be the last segment (e.g. /api/orders/{id} or /static/**)");
    assertThatThrownBy(() -> RouteRules.parse("GET /x admin\nGET /x reader\n", "routes.conf")).hasMessage(
        "routes.conf:2: duplicate route GET /x");
    assertThatThrownBy(() -> RouteRules.parse("GET /x admin *\n", "routes.conf")).hasMessage(
        "routes.conf:1: invalid role name '*'; '*' must stand alone");
  }

  @Test
  void a_rule_for_a_route_the_service_did_not_register_fails_the_build() {
    RouteRules rules = RouteRules.parse("GET /whoami *\nDELETE /api/everything admin\n", "routes.conf");

    assertThatThrownBy(() -> pki.serverBuilder().routeRules(rules).build()).isInstanceOf(ConfigException.class)
        .hasMessage("routes.conf:2: this server has no handler for DELETE /api/everything; its routes are"
            + " GET /whoami, GET /api/reports, POST /api/admin/reload, GET /api/orders/{id}, GET /static/**");
  }

  @Test
  void rules_assign_roles_serve_only_listed_routes_and_are_reloaded_when_the_file_changes() throws Exception {
    Path file = Files.writeString(dir.resolve("routes.conf"), "GET /whoami *\nGET /api/reports admin\n");
    try (MtlsServer server = pki.serverBuilder().routeRulesFile(file).build().start()) {
      TlsProbe bob = pki.clientFor(pki.bob);
      assertThat(bob.get(server.port(), "/whoami").status()).isEqualTo(200);
      assertThat(bob.get(server.port(), "/api/reports").status()).as("admin only now").isEqualTo(403);
      assertThat(bob.get(server.port(), "/static/app.js").status()).as("registered but not listed").isEqualTo(404);

      Files.writeString(file, "GET /whoami *\nGET /api/reports reader\nGET /static/** *\n");
      assertThat(server.reload().applied()).containsExactly("route rules " + file + ": 3 routes");

      assertThat(bob.get(server.port(), "/api/reports").status()).isEqualTo(200);
      assertThat(bob.get(server.port(), "/static/app.js").status()).isEqualTo(200);

      Files.writeString(file, "GET /nowhere *\n");
      assertThat(server.reload().refused()).singleElement().asString().contains("this server has no handler for"
          + " GET /nowhere");
      assertThat(bob.get(server.port(), "/api/reports").status()).as("the rules in service stay").isEqualTo(200);
    }
  }
}
