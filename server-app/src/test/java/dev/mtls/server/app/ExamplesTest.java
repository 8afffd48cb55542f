package dev.mtls.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.server.RoleRules;
import dev.mtls.server.RouteRules;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The files under server-app/examples are valid, so the demo can use them as they are. */
class ExamplesTest {
  static final Path EXAMPLES = Path.of("examples");

  @Test
  void example_roles_map_the_demo_identities() {
    RoleRules rules = RoleRules.load(EXAMPLES.resolve("roles.conf"));

    assertThat(rules.roles()).containsExactly("admin", "reader");
  }

  @Test
  void example_routes_name_the_demo_routes() {
    RouteRules routes = RouteRules.load(EXAMPLES.resolve("routes.conf"));

    assertThat(routes.rules()).extracting(r -> r.method() + " " + r.path())
        .containsExactly("GET /", "GET /whoami", "GET /api/reports", "POST /api/admin/reload");
  }

  @Test
  void example_configuration_names_every_key_set_or_commented_out() throws java.io.IOException {
    String text = java.nio.file.Files.readString(EXAMPLES.resolve("server.conf"));

    for (var setting : ServerConfig.keys()) {
      assertThat(text).as("server.conf shows %s", setting.key())
          .containsPattern("(?m)^(# )?" + java.util.regex.Pattern.quote(setting.key()) + " = ");
    }
  }

  @Test
  void example_configuration_has_only_known_keys() {
    ServerConfig config = ServerConfig.load(EXAMPLES.resolve("server.conf"));

    assertThat(config.get("certificate")).isEqualTo("tls.crt");
    assertThat(config.get("client-auth")).isEqualTo("required");
  }
}
