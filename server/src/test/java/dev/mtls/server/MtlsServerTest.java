package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.Pem;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.server.testing.TestRoutes;
import dev.mtls.testing.PlainHttp;
import dev.mtls.testing.pki.KeyStores;
import dev.mtls.testing.tls.TlsProbe;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MtlsServerTest {
  static final ServerFixture pki = new ServerFixture();
  static MtlsServer server;

  @BeforeAll
  static void start() {
    server = pki.serverBuilder().build().start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void admin_reads_whoami_with_identity_roles_and_tls_details() throws Exception {
    TlsProbe.Response response = pki.clientFor(pki.alice).get(server.port(), "/whoami");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Type")).isEqualTo("application/json");
    assertThat(response.body())
        .contains("\"subject\":\"CN=alice,OU=admins,O=Demo\"")
        .contains("\"issuer\":\"CN=Test Issuing CA,O=mtls-reference test\"")
        .contains("\"serial\":\"" + pki.alice.certificate().getSerialNumber().toString(16) + "\"")
        .contains("\"roles\":[\"admin\"]")
        .contains("\"protocol\":\"TLSv1.3\"")
        .contains("\"cipherSuite\":\"TLS_AES_128_GCM_SHA256\"")
        .contains("\"resumed\":false");
  }

  @Test
  void admin_may_read_reports_and_reload() throws Exception {
    TlsProbe client = pki.clientFor(pki.alice);

    assertThat(client.get(server.port(), "/api/reports").status()).isEqualTo(200);
    TlsProbe.Response reload = client.request(server.port(), "POST", "/api/admin/reload");
    assertThat(reload.status()).isEqualTo(200);
    assertThat(reload.body()).isEqualTo("{\"done\":true}\n");
  }

  @Test
  void reader_may_read_reports() throws Exception {
    TlsProbe.Response response = pki.clientFor(pki.bob).get(server.port(), "/api/reports");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).contains("\"requestedBy\":\"CN=bob,OU=readers,O=Demo\"");
  }

  @Test
  void reader_cannot_call_admin_endpoint_and_is_told_why() throws Exception {
    TlsProbe.Response response = pki.clientFor(pki.bob).request(server.port(), "POST", "/api/admin/reload");

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.body()).isEqualTo("{\"error\":\"forbidden\","
        + "\"message\":\"your certificate does not hold a role that POST /api/admin/reload requires\","
        + "\"subject\":\"CN=bob,OU=readers,O=Demo\",\"issuer\":\"CN=Test Issuing CA,O=mtls-reference test\","
        + "\"serial\":\"" + pki.bob.certificate().getSerialNumber().toString(16) + "\","
        + "\"route\":\"POST /api/admin/reload\",\"requiredRoles\":[\"admin\"],\"yourRoles\":[\"reader\"]}\n");
  }

  @Test
  void client_without_role_may_call_whoami_but_not_reports() throws Exception {
    TlsProbe carol = pki.clientFor(pki.client("CN=carol,OU=guests,O=Demo"));

    assertThat(carol.get(server.port(), "/whoami").body()).contains("\"roles\":[]");
    TlsProbe.Response reports = carol.get(server.port(), "/api/reports");
    assertThat(reports.status()).isEqualTo(403);
    assertThat(reports.body()).contains("\"requiredRoles\":[\"admin\",\"reader\"],\"yourRoles\":[]");
  }

  @Test
  void unknown_route_is_404_and_wrong_method_is_405() throws Exception {
    TlsProbe client = pki.clientFor(pki.alice);

    assertThat(client.get(server.port(), "/api/nothing").status()).isEqualTo(404);
    TlsProbe.Response wrongMethod = client.get(server.port(), "/api/admin/reload");
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.header("Allow")).isEqualTo("POST");
  }

  @Test
  void the_services_route_patterns_reach_its_handlers_with_path_parameters() throws Exception {
    TlsProbe bob = pki.clientFor(pki.bob);

    assertThat(bob.get(server.port(), "/api/orders/42").body()).isEqualTo("order 42\n");
    assertThat(bob.get(server.port(), "/api/orders/").status()).isEqualTo(404);
    assertThat(bob.get(server.port(), "/static/css/site.css").body()).isEqualTo("static\n");
    assertThat(pki.clientFor(pki.client("CN=carol,OU=guests,O=Demo")).get(server.port(), "/api/orders/42").status())
        .as("the route needs reader").isEqualTo(403);
  }

  @Test
  void server_sends_its_chain_so_a_client_trusting_only_the_root_verifies_it() throws Exception {
    TlsProbe.Response response = pki.clientFor(pki.alice).get(server.port(), "/whoami");

    assertThat(response.session().getPeerCertificates()).hasSize(2);
    assertThat(response.session().getPeerCertificates()[1]).isEqualTo(pki.issuing.certificate());
  }

  @Test
  void tls12_can_be_forced_and_uses_an_aead_suite() throws Exception {
    TlsProbe.Response response = pki.clientFor(pki.bob).protocols("TLSv1.2").get(server.port(), "/whoami");

    assertThat(response.body()).contains("\"protocol\":\"TLSv1.2\"")
        .contains("\"cipherSuite\":\"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256\"");
  }

  @Test
  void second_connection_from_the_same_client_context_resumes_the_session() throws Exception {
    TlsProbe client = pki.clientFor(pki.bob);

    assertThat(client.get(server.port(), "/whoami").body()).contains("\"resumed\":false");
    assertThat(client.get(server.port(), "/whoami").body()).contains("\"resumed\":true")
        .contains("\"subject\":\"CN=bob,OU=readers,O=Demo\"");
  }

  @Test
  void management_port_answers_health_and_ready_over_plain_http_without_certificate() throws Exception {
    for (String path : List.of("/health", "/ready")) {
      PlainHttp.Response response = PlainHttp.get(URI.create("http://127.0.0.1:" + server.managementPort() + path));
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isEqualTo(path.equals("/health") ? "ok\n" : "ready\n");
    }
  }

  @Test
  void accepts_server_identity_from_pem_files_with_encrypted_key(@TempDir Path dir) throws Exception {
    Path chain = Files.writeString(dir.resolve("tls.crt"), Pem.encode(pki.server.chain()));
    Path key = Files.writeString(dir.resolve("tls.key"),
        Pem.encodeEncrypted(pki.server.privateKey(), "secret".toCharArray(), KeyEncryption.forTests()));
    Path ca = Files.writeString(dir.resolve("ca.crt"), Pem.encode(pki.root.certificate()));
    Path roles = Files.writeString(dir.resolve("roles.conf"), ServerFixture.ROLES);

    try (MtlsServer pem = TestRoutes.register(MtlsServer.builder()).identityPem(chain, key, "secret".toCharArray()).trustPem(ca)
        .roleRulesFile(roles).port(0).managementPort(-1).reloadInterval(java.time.Duration.ZERO).build().start()) {
      assertThat(pki.clientFor(pki.alice).get(pem.port(), "/whoami").body()).contains("\"roles\":[\"admin\"]");
    }
  }

  @Test
  void accepts_server_identity_and_trust_from_pkcs12(@TempDir Path dir) throws Exception {
    Path keyStore = pki.server.writePkcs12(dir.resolve("server.p12"), "identity", "changeit".toCharArray());
    Path trustStore = KeyStores.trustStore(dir.resolve("trust.p12"), "changeit".toCharArray(), List.of(pki.root.certificate()));

    try (MtlsServer p12 = TestRoutes.register(MtlsServer.builder()).identityPkcs12(keyStore, "changeit".toCharArray(), null)
        .trustPkcs12(trustStore, "changeit".toCharArray()).roleRules(RoleRules.parse(ServerFixture.ROLES, "roles"))
        .port(0).managementPort(-1).reloadInterval(java.time.Duration.ZERO).build().start()) {
      assertThat(pki.clientFor(pki.bob).get(p12.port(), "/api/reports").status()).isEqualTo(200);
    }
  }

  @Test
  void accepts_client_identity_loaded_from_pkcs12(@TempDir Path dir) throws Exception {
    Path file = pki.alice.writePkcs12(dir.resolve("alice.p12"), "identity", "pw".toCharArray());
    Identity alice = Identity.loadPkcs12(file, "pw".toCharArray(), null);

    assertThat(pki.clientFor(alice).get(server.port(), "/whoami").body()).contains("\"roles\":[\"admin\"]");
  }
}
