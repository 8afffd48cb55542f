package dev.mtls.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.mtls.server.MtlsServer;
import dev.mtls.server.RoleRules;
import dev.mtls.server.ServerLoggers;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.LogCapture;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.tls.TlsProbe;
import java.io.IOException;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** Subjects chosen by an attacker: they must not earn a role, break the HTML or forge a log line. */
@Isolated // reads a logger that tests running beside it would write to
class HostileNameTest {
  static final ServerFixture pki = new ServerFixture();
  static final String ROLES = ServerFixture.ROLES + "auditor subject.CN=zoë\n";
  static MtlsServer server;
  LogCapture access;
  LogCapture rejections;

  @BeforeAll
  static void start() {
    server = DemoRoutes.register(pki.builder(), () -> null)
        .roleRules(RoleRules.parse(ROLES, "roles.conf")).build().start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void capture() {
    access = LogCapture.of(ServerLoggers.ACCESS);
    rejections = LogCapture.of(ServerLoggers.REFUSALS);
  }

  @AfterEach
  void release() {
    access.close();
    rejections.close();
  }

  @Test
  void escaped_comma_in_cn_does_not_smuggle_an_ou() throws Exception {
    Issued smuggler = pki.client("CN=bob\\,OU=admins,OU=readers,O=Demo");
    TlsProbe client = pki.clientFor(smuggler);

    assertThat(client.get(server.port(), "/whoami").body())
        .contains("\"value\":\"bob,OU=admins\"")
        .contains("\"roles\":[\"reader\"]");
    assertThat(client.request(server.port(), "POST", "/api/admin/reload").status()).isEqualTo(403);
  }

  @Test
  void escaped_comma_alone_grants_nothing() throws Exception {
    TlsProbe client = pki.clientFor(pki.client("CN=mallory\\,OU=admins,O=Demo"));

    assertThat(client.get(server.port(), "/whoami").body()).contains("\"roles\":[]");
    assertThat(client.get(server.port(), "/api/reports").status()).isEqualTo(403);
  }

  @Test
  void markup_in_cn_is_escaped_in_html_and_json() throws Exception {
    TlsProbe client = pki.clientFor(pki.issuing.issue(principal("<script>alert(1)</script>")).build());

    String html = client.get(server.port(), "/").body();
    // RFC 4514 escapes < and > in the DN string; the HTML escaping comes on top.
    assertThat(html).contains("<td>CN=\\&lt;script\\&gt;alert(1)\\&lt;/script\\&gt;,OU=readers,O=Demo</td>")
        .contains("<tr><th>&nbsp;&nbsp;CN</th><td>&lt;script&gt;alert(1)&lt;/script&gt;</td></tr>")
        .doesNotContain("<script>");
    String json = client.get(server.port(), "/whoami").body();
    assertThat(json).contains("{\"type\":\"CN\",\"value\":\"\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\"}")
        .doesNotContain("<");
  }

  @Test
  void control_characters_in_cn_cannot_forge_a_log_line() throws Exception {
    String forged = "evil\r\n09:00:00.000 INFO  dev.mtls.server.access - GET / 200";
    TlsProbe client = pki.clientFor(pki.issuing.issue(principal(forged)).build());

    TlsProbe.Response response = client.get(server.port(), "/");

    assertThat(response.body()).contains("CN=evil\\u000D\\u000A09:00:00.000 INFO  dev.mtls.server.access")
        .doesNotContain("\r\n09:00");
    List<String> lines = access.await(Level.INFO, line -> line.startsWith("GET / 200 "));
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).contains("subject=\"CN=evil\\u000D\\u000A09:00:00.000 INFO  dev.mtls.server.access")
        .doesNotContain("\n").doesNotContain("\r");
  }

  @Test
  void control_characters_in_a_refused_certificate_are_escaped_in_the_warning() {
    TlsProbe client = pki.clientFor(pki.issuing.issue(principal("old\nWARN forged")).expired().build());

    assertThatThrownBy(() -> client.get(server.port(), "/whoami")).isInstanceOf(IOException.class);

    List<String> lines = rejections.await(Level.WARN, line -> line.contains(": expired;"));
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).contains("subject \"CN=old\\u000AWARN forged,OU=readers,O=Demo\"")
        .doesNotContain("\n");
  }

  @Test
  void unicode_cn_matches_exactly_and_a_look_alike_does_not() throws Exception {
    TlsProbe zoe = pki.clientFor(pki.issuing.issue(principal("zoë")).build());
    // "zоë" with a Cyrillic о (U+043E): looks the same, is another name.
    TlsProbe impostor = pki.clientFor(pki.issuing.issue(principal("z\u043Eë")).build());

    assertThat(zoe.get(server.port(), "/whoami").body()).contains("\"subject\":\"CN=zoë,OU=readers,O=Demo\"")
        .contains("\"roles\":[\"auditor\",\"reader\"]");
    assertThat(impostor.get(server.port(), "/whoami").body()).contains("\"roles\":[\"reader\"]");
  }

  @Test
  void bidi_override_in_cn_is_shown_escaped() throws Exception {
    TlsProbe client = pki.clientFor(pki.issuing.issue(principal("admin\u202Egnp.exe")).build());

    assertThat(client.get(server.port(), "/").body()).contains("CN=admin\\u202Egnp.exe,OU=readers,O=Demo")
        .doesNotContain("\u202E");
    List<String> lines = access.await(Level.INFO, line -> line.startsWith("GET / 200 "));
    assertThat(lines.get(0)).contains("subject=\"CN=admin\\u202Egnp.exe,OU=readers,O=Demo\"");
  }

  /** A subject O=Demo, OU=readers, CN=cn, encoded by BouncyCastle so any character can be put in the CN. */
  static X500Principal principal(String cn) {
    try {
      return new X500Principal(new X500NameBuilder(BCStyle.INSTANCE)
          .addRDN(BCStyle.O, "Demo").addRDN(BCStyle.OU, "readers").addRDN(BCStyle.CN, cn).build().getEncoded());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
