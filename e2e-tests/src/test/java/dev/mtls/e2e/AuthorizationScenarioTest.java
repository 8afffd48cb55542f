package dev.mtls.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.client.Diagnosis;
import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsClientBuilder;
import dev.mtls.client.MtlsResponse;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.server.ServedRequest;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.pki.CastFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verified clients and what the example role rules and routes let them do: admins everything, readers the reports,
 * an identity that maps to no role nothing but the open routes. Identities as PEM and PKCS#12; the client sends
 * leaf + intermediate and the server trusts only the root.
 */
class AuthorizationScenarioTest {
  @TempDir static Path dir;
  static CastFiles pki;
  static RunningServer server;

  @BeforeAll
  static void start() {
    pki = Cast.create().writeTo(dir.resolve("pki"));
    server = RunningServer.start(pki, dir.resolve("server"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void clearLogs() {
    server.clearLogs();
  }

  @Test
  void admin_is_allowed_on_admin_route() {
    MtlsResponse response = Clients.send(Clients.builder(pki, "alice", null), "POST",
        server.url("/api/admin/reload"));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.bodyText()).isEqualTo("{\"applied\":[],\"refused\":[]}\n");
    ServedRequest served = server.awaitRequest("POST", "/api/admin/reload", "CN=alice,");
    assertThat(served.status()).isEqualTo(200);
    assertThat(served.caller().roles()).containsExactly("admin");
    assertThat(server.rejections()).isEmpty();
  }

  @Test
  void admin_is_allowed_on_reader_route() {
    MtlsResponse response = Clients.get(pki, "alice", server.url("/api/reports"));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.bodyText()).startsWith("{\"requestedBy\":\"CN=alice,OU=admins,O=mtls-reference test\"");
  }

  @Test
  void reader_is_allowed_on_reader_route() {
    MtlsResponse response = Clients.get(pki, "bob", server.url("/api/reports"));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.bodyText()).isEqualTo("{\"requestedBy\":\"CN=bob,OU=readers,O=mtls-reference test\","
        + "\"reports\":[{\"id\":1,\"title\":\"Certificates expiring in 30 days\"},"
        + "{\"id\":2,\"title\":\"Refused handshakes by reason\"}]}\n");
    ServedRequest served = server.awaitRequest("GET", "/api/reports", "CN=bob,");
    assertThat(served.status()).isEqualTo(200);
    assertThat(served.route()).isEqualTo("GET /api/reports");
    assertThat(served.caller().roles()).containsExactly("reader");
  }

  @Test
  void reader_gets_403_on_admin_route_with_explanation() {
    MtlsResponse response = Clients.send(Clients.builder(pki, "bob", null), "POST",
        server.url("/api/admin/reload"));

    assertThat(response.status()).isEqualTo(403);
    // Who you are, what the route needs, what you have.
    assertThat(response.bodyText()).isEqualTo("{\"error\":\"forbidden\","
        + "\"message\":\"your certificate does not hold a role that POST /api/admin/reload requires\","
        + "\"subject\":\"CN=bob,OU=readers,O=mtls-reference test\","
        + "\"issuer\":\"CN=Test Issuing CA,O=mtls-reference test\","
        + "\"serial\":\"" + serialHex("bob") + "\","
        + "\"route\":\"POST /api/admin/reload\","
        + "\"requiredRoles\":[\"admin\"],"
        + "\"yourRoles\":[\"reader\"]}\n");
    ServedRequest served = server.awaitRequest("POST", "/api/admin/reload", "CN=bob,");
    assertThat(served.status()).isEqualTo(403);
    assertThat(served.caller().roles()).containsExactly("reader");
    // A 403 is authorization, not a refused handshake.
    assertThat(server.rejections()).isEmpty();
  }

  @Test
  void unmapped_identity_gets_403_on_reader_route_with_no_roles() {
    MtlsResponse response = Clients.get(pki, "carol", server.url("/api/reports"));

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.bodyText()).isEqualTo("{\"error\":\"forbidden\","
        + "\"message\":\"your certificate does not hold a role that GET /api/reports requires\","
        + "\"subject\":\"CN=carol,OU=contractors,O=mtls-reference test\","
        + "\"issuer\":\"CN=Test Issuing CA,O=mtls-reference test\","
        + "\"serial\":\"" + serialHex("carol") + "\","
        + "\"route\":\"GET /api/reports\","
        + "\"requiredRoles\":[\"admin\",\"reader\"],"
        + "\"yourRoles\":[]}\n");
    ServedRequest served = server.awaitRequest("GET", "/api/reports", "CN=carol,");
    assertThat(served.status()).isEqualTo(403);
    assertThat(served.caller().roles()).isEmpty();
  }

  @Test
  void unmapped_identity_is_verified_and_may_use_routes_open_to_any_client() {
    MtlsResponse response = Clients.get(pki, "carol", server.url("/whoami"));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.bodyText())
        .startsWith("{\"subject\":\"CN=carol,OU=contractors,O=mtls-reference test\"")
        .contains("\"roles\":[]");
  }

  @Test
  void whoami_says_who_the_client_is_and_which_roles_it_has() {
    MtlsResponse response = Clients.get(pki, "alice", server.url("/whoami"));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.bodyText())
        .startsWith("{\"subject\":\"CN=alice,OU=admins,O=mtls-reference test\","
            + "\"subjectAttributes\":[{\"type\":\"O\",\"value\":\"mtls-reference test\"},"
            + "{\"type\":\"OU\",\"value\":\"admins\"},{\"type\":\"CN\",\"value\":\"alice\"}],\"altNames\":[],"
            + "\"issuer\":\"CN=Test Issuing CA,O=mtls-reference test\","
            + "\"serial\":\"" + serialHex("alice") + "\"")
        .contains("\"roles\":[\"admin\"]");
  }

  @Test
  void pem_identity_is_accepted() {
    MtlsClientBuilder client = Clients.builder(pki, null, null)
        .identity(Identity.loadPem(pki.get("bob").chain(), pki.get("bob").key(), null));

    MtlsResponse response = Clients.send(client, "GET", server.url("/api/reports"));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.tls().certificateSent()).isTrue();
  }

  @Test
  void pkcs12_identity_and_pkcs12_truststore_are_accepted() {
    MtlsClientBuilder client = MtlsClient.builder()
        .identity(Identity.loadPkcs12(pki.get("bob").pkcs12(), pki.password(), null))
        .trust(TrustAnchors.loadPkcs12(pki.rootPkcs12(), pki.password()));

    MtlsResponse response = Clients.send(client, "GET", server.url("/api/reports"));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.bodyText()).startsWith("{\"requestedBy\":\"CN=bob,OU=readers,O=mtls-reference test\"");
  }

  @Test
  void client_sends_leaf_and_intermediate_and_server_trusting_only_the_root_accepts_it() {
    // The server's only trust anchor is the root; the intermediate comes from the client, in its chain.
    assertThat(TrustAnchors.loadPem(pki.rootPem()).certificates())
        .extracting(c -> c.getSubjectX500Principal().getName())
        .containsExactly(Cast.ROOT_DN);
    Identity alice = Identity.loadPem(pki.get("alice").chain(), pki.get("alice").key(), null);
    assertThat(alice.chain())
        .extracting(c -> c.getSubjectX500Principal().getName())
        .containsExactly("CN=alice,OU=admins,O=mtls-reference test", Cast.ISSUING_DN);

    MtlsResponse response = Clients.send(Clients.builder(pki, null, null).identity(alice), "GET",
        server.url("/whoami"));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.bodyText()).contains("\"issuer\":\"CN=Test Issuing CA,O=mtls-reference test\"");
  }

  @Test
  void client_sending_its_leaf_without_the_intermediate_is_refused() {
    // A common misconfiguration: the client's file holds only its own certificate.
    MtlsClientBuilder client = Clients.builder(pki, null, null)
        .identity(Identity.loadPem(pki.get("alice").certificate(), pki.get("alice").key(), null));

    Diagnosis diagnosis = Clients.refused(client, "GET", server.url("/whoami"));

    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED);
    assertThat(server.awaitRejection(Reason.UNTRUSTED_ISSUER).verdict().leaf().orElseThrow()
        .getSubjectX500Principal().getName()).isEqualTo("CN=alice,OU=admins,O=mtls-reference test");
  }

  private static String serialHex(String name) {
    return pki.get(name).x509().getSerialNumber().toString(16);
  }
}
