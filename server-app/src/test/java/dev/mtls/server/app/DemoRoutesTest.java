package dev.mtls.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.server.MtlsServer;
import dev.mtls.server.Roles;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.tls.TlsProbe;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo's routes on the server library, as the runnable server serves them. */
class DemoRoutesTest {
  static final ServerFixture pki = new ServerFixture();
  static MtlsServer server;

  @BeforeAll
  static void start() {
    AtomicReference<MtlsServer> self = new AtomicReference<>();
    server = DemoRoutes.register(pki.builder(), () -> self.get().reload()).build();
    self.set(server);
    server.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void home_page_shows_the_identity_as_html() throws Exception {
    TlsProbe.Response response = pki.clientFor(pki.alice).get(server.port(), "/");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
    assertThat(response.body()).contains("<tr><th>Subject</th><td>CN=alice,OU=admins,O=Demo</td></tr>")
        .contains("<tr><th>Roles</th><td>admin</td></tr>");
  }

  @Test
  void whoami_answers_identity_roles_and_tls_as_json() throws Exception {
    TlsProbe.Response response = pki.clientFor(pki.bob).get(server.port(), "/whoami");

    assertThat(response.body()).contains("\"subject\":\"CN=bob,OU=readers,O=Demo\"",
        "\"subjectAttributes\":[{\"type\":\"O\",\"value\":\"Demo\"},{\"type\":\"OU\",\"value\":\"readers\"},"
            + "{\"type\":\"CN\",\"value\":\"bob\"}]", "\"roles\":[\"reader\"]", "\"protocol\":\"TLSv1.3\"",
        "\"sha256\":\"" + dev.mtls.pki.material.Fingerprint.sha256(pki.bob.certificate()) + "\"");
  }

  @Test
  void the_admin_may_reload_and_sees_what_changed() throws Exception {
    TlsProbe.Response reload = pki.clientFor(pki.alice).request(server.port(), "POST", "/api/admin/reload");

    assertThat(reload.status()).isEqualTo(200);
    assertThat(reload.body()).isEqualTo("{\"applied\":[],\"refused\":[]}\n");
    assertThat(pki.clientFor(pki.bob).request(server.port(), "POST", "/api/admin/reload").status()).isEqualTo(403);
  }
}
