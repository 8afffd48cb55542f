package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteRulesTest {
  @Test
  void route_allows_any_of_its_roles_and_star_allows_any_client() {
    RouteRules rules = RouteRules.parse("GET /api/reports reader admin\nGET /whoami *\n", "routes.conf");

    RouteRules.Route reports = rules.routes().get(0);
    assertThat(reports.allows(Set.of("admin"))).isTrue();
    assertThat(reports.allows(Set.of("auditor"))).isFalse();
    assertThat(rules.routes().get(1).allows(Set.of())).isTrue();
  }

  @Test
  void mistakes_are_reported_with_file_and_line() {
    assertThatThrownBy(() -> RouteRules.parse("GET /x\n", "routes.conf")).hasMessage(
        "routes.conf:1: expected METHOD PATH ROLE... (use * for any verified client)");
    assertThatThrownBy(() -> RouteRules.parse("FETCH /x admin\n", "routes.conf")).hasMessage(
        "routes.conf:1: unknown method 'FETCH'; expected one of GET, HEAD, POST, PUT, PATCH, DELETE");
    assertThatThrownBy(() -> RouteRules.parse("GET x admin\n", "routes.conf")).hasMessage(
        "routes.conf:1: invalid path 'x'; an exact path starting with '/'");
    assertThatThrownBy(() -> RouteRules.parse("GET /x admin\nGET /x reader\n", "routes.conf")).hasMessage(
        "routes.conf:2: duplicate route GET /x");
    assertThatThrownBy(() -> RouteRules.parse("GET /x admin *\n", "routes.conf")).hasMessage(
        "routes.conf:1: invalid role name '*'; '*' must stand alone");
  }

  @Test
  void route_to_an_endpoint_the_server_lacks_fails_the_build() {
    TestPki pki = new TestPki();
    RouteRules rules = RouteRules.parse("GET /whoami *\nDELETE /api/everything admin\n", "routes.conf");

    assertThatThrownBy(() -> pki.serverBuilder().routeRules(rules).build()).isInstanceOf(ConfigException.class)
        .hasMessage("routes.conf:2: this server has no endpoint DELETE /api/everything; its endpoints are GET /,"
            + " GET /whoami, GET /api/reports, POST /api/admin/reload");
  }
}
