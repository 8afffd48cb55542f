package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.mtls.pki.CertificateAuthority;
import dev.mtls.pki.CertificateSpec;
import dev.mtls.pki.IssuedCertificate;
import dev.mtls.pki.Revocation;
import dev.mtls.pki.RevocationReason;
import dev.mtls.pki.SubjectAltName;
import dev.mtls.pki.material.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Material files changed on disk while the server runs: good replacements go into service, broken ones do not. */
class ReloadTest {
  static final TestPki pki = new TestPki();
  @TempDir Path dir;
  Path certificate;
  Path key;
  Path ca;
  Path crl;
  Path roles;
  MtlsServer server;
  LogCapture serverLog;

  @BeforeEach
  void start() throws IOException {
    certificate = Files.writeString(dir.resolve("tls.crt"), pki.server.chainPem());
    key = Files.writeString(dir.resolve("tls.key"), pki.server.privateKeyPem());
    ca = Files.writeString(dir.resolve("ca.crt"), Pem.encode(pki.root.certificate()));
    crl = Files.writeString(dir.resolve("crl.pem"), crl(List.of(), Instant.now().plus(Duration.ofDays(7))));
    roles = Files.writeString(dir.resolve("roles.conf"), TestPki.ROLES);
    serverLog = LogCapture.of(MtlsServer.class);
    server = MtlsServer.builder().identityPem(certificate, key, null).trustPem(ca).addCrlFile(crl)
        .roleRulesFile(roles).port(0).managementPort(-1).reloadInterval(Duration.ZERO).build().start();
  }

  @AfterEach
  void stop() {
    server.close();
    serverLog.close();
  }

  @Test
  void changed_role_rules_apply_to_the_next_request() throws Exception {
    TestClient bob = pki.clientFor(pki.bob);
    assertThat(bob.request(server.port(), "POST", "/api/admin/reload").status()).isEqualTo(403);

    Files.writeString(roles, TestPki.ROLES + "admin subject.CN=bob\n");
    ReloadOutcome outcome = server.reload();

    assertThat(outcome.applied()).containsExactly("role rules " + roles + " (3 rules)");
    assertThat(bob.get(server.port(), "/whoami").body()).contains("\"roles\":[\"admin\",\"reader\"]");
  }

  @Test
  void broken_role_rules_keep_the_old_rules_and_say_where() throws Exception {
    Files.writeString(roles, "admin subject.OU=admins\nreader subject.XX=readers\n");

    ReloadOutcome outcome = server.reload();

    String expected = "role rules: " + roles + ":2: unknown attribute 'XX'; expected one of CN, OU, O, L, ST, C, DC,"
        + " UID, SERIALNUMBER, EMAILADDRESS, STREET, T";
    assertThat(outcome.refused()).containsExactly(expected);
    assertThat(serverLog.messages(Level.WARN))
        .containsExactly("kept the material in service; refused the replacement " + expected);
    assertThat(pki.clientFor(pki.bob).get(server.port(), "/api/reports").status()).isEqualTo(200);
  }

  @Test
  void new_crl_refuses_the_revoked_client_on_new_and_existing_connections() throws Exception {
    TestClient bob = pki.clientFor(pki.bob);
    try (TestClient.Connection open = bob.connect(server.port())) {
      assertThat(open.request("GET", "/whoami").status()).isEqualTo(200);

      Files.writeString(crl, crl(List.of(pki.bob.certificate()), Instant.now().plus(Duration.ofDays(7))));
      assertThat(server.reload().applied()).containsExactly("CRLs (1)");

      TestClient.Response onOpenConnection = open.request("GET", "/whoami");
      assertThat(onOpenConnection.status()).isEqualTo(401);
      assertThat(onOpenConnection.body())
          .isEqualTo("Your client certificate is no longer accepted (revoked). The connection will be closed.\n");
      assertThat(open.isClosedByServer()).isTrue();
    }
    assertThatThrownBy(() -> bob.get(server.port(), "/whoami")).isInstanceOf(IOException.class);
    assertThat(pki.clientFor(pki.alice).get(server.port(), "/whoami").status()).isEqualTo(200);
  }

  @Test
  void stale_crl_replacement_is_refused_and_the_old_crl_stays() throws Exception {
    Instant past = Instant.now().minus(Duration.ofHours(1));
    Files.writeString(crl, crl(List.of(pki.alice.certificate()), past));

    ReloadOutcome outcome = server.reload();

    assertThat(outcome.refused()).hasSize(1);
    assertThat(outcome.refused().get(0)).startsWith("CRLs: " + crl + ": the CRL of CN=Test Issuing CA,"
        + "O=mtls-reference test is past its nextUpdate (").endsWith("); publish a fresh CRL, or allow stale CRLs");
    assertThat(pki.clientFor(pki.alice).get(server.port(), "/whoami").status()).isEqualTo(200);
  }

  @Test
  void new_server_certificate_is_presented_to_new_connections() throws Exception {
    IssuedCertificate renewed = TestPki.serverCertificate(pki.issuing);
    Files.writeString(key, renewed.privateKeyPem());
    Files.writeString(certificate, renewed.chainPem());

    ReloadOutcome outcome = server.reload();

    assertThat(outcome.applied()).hasSize(1);
    assertThat(outcome.applied().get(0)).startsWith("server certificate CN=localhost,O=mtls-reference test (serial "
        + renewed.certificate().getSerialNumber().toString(16));
    X509Certificate presented = (X509Certificate) pki.clientFor(pki.alice).get(server.port(), "/whoami")
        .session().getPeerCertificates()[0];
    assertThat(presented).isEqualTo(renewed.certificate());
  }

  @Test
  void key_not_matching_the_new_certificate_keeps_the_old_pair() throws Exception {
    IssuedCertificate renewed = TestPki.serverCertificate(pki.issuing);
    Files.writeString(certificate, renewed.chainPem());

    ReloadOutcome outcome = server.reload();

    assertThat(outcome.refused()).hasSize(1);
    assertThat(outcome.refused().get(0)).startsWith("server certificate: " + certificate + " with key " + key
        + ": the private key does not match the certificate CN=localhost");
    assertThat(pki.clientFor(pki.alice).get(server.port(), "/whoami").session().getPeerCertificates()[0])
        .isEqualTo(pki.server.certificate());
  }

  @Test
  void unparseable_or_expired_server_certificate_keeps_the_old_one() throws Exception {
    Files.writeString(certificate, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
    assertThat(server.reload().refused()).hasSize(1);

    IssuedCertificate expired = pki.issuing.issue(CertificateSpec.server("CN=localhost,O=mtls-reference test")
        .addSubjectAltName(SubjectAltName.ip("127.0.0.1"))
        .notBefore(Instant.now().minus(Duration.ofDays(10))).validity(Duration.ofDays(1)).build());
    Files.writeString(key, expired.privateKeyPem());
    Files.writeString(certificate, expired.chainPem());
    ReloadOutcome outcome = server.reload();

    assertThat(outcome.refused()).containsExactly("server certificate: the server certificate CN=localhost,"
        + "O=mtls-reference test expired on " + expired.certificate().getNotAfter().toInstant());
    assertThat(pki.clientFor(pki.alice).get(server.port(), "/whoami").session().getPeerCertificates()[0])
        .isEqualTo(pki.server.certificate());
  }

  @Test
  void new_trust_anchors_admit_the_new_ca_and_refuse_the_old() throws Exception {
    CertificateAuthority next = CertificateAuthority.createRoot("CN=Next Root CA,O=mtls-reference test");
    IssuedCertificate dave = next.issue(CertificateSpec.client("CN=dave,OU=readers,O=Demo").build());
    TestClient alice = pki.clientFor(pki.alice);
    assertThatThrownBy(() -> pki.clientFor(dave).get(server.port(), "/whoami")).isInstanceOf(IOException.class);

    Files.writeString(ca, Pem.encode(next.certificate()));
    assertThat(server.reload().applied()).containsExactly("trust anchors (1 certificates)");

    assertThat(pki.clientFor(dave).get(server.port(), "/whoami").body()).contains("\"roles\":[\"reader\"]");
    assertThatThrownBy(() -> alice.get(server.port(), "/whoami")).isInstanceOf(IOException.class);
  }

  @Test
  void empty_trust_bundle_is_refused_and_the_old_anchors_stay() throws Exception {
    Files.writeString(ca, "");

    assertThat(server.reload().refused())
        .containsExactly("trust anchors: " + ca + ": no PEM certificate found (expected -----BEGIN CERTIFICATE-----)");
    assertThat(pki.clientFor(pki.alice).get(server.port(), "/whoami").status()).isEqualTo(200);
  }

  @Test
  void polling_picks_up_changed_files_by_itself() throws Exception {
    try (MtlsServer polling = MtlsServer.builder().identityPem(certificate, key, null).trustPem(ca)
        .roleRulesFile(roles).port(0).managementPort(-1).reloadInterval(Duration.ofMillis(50)).build().start()) {
      Files.writeString(roles, "admin subject.CN=bob\n");

      List<String> reloaded = serverLog.await(Level.INFO, line -> line.startsWith("reloaded role rules"));

      assertThat(reloaded).containsExactly("reloaded role rules " + roles + " (1 rules)");
      assertThat(pki.clientFor(pki.bob).get(polling.port(), "/whoami").body()).contains("\"roles\":[\"admin\"]");
    }
  }

  private static String crl(List<X509Certificate> revoked, Instant nextUpdate) {
    Instant now = Instant.now();
    List<Revocation> entries = revoked.stream()
        .map(c -> new Revocation(c.getSerialNumber(), now.minusSeconds(60), RevocationReason.KEY_COMPROMISE))
        .toList();
    Instant thisUpdate = nextUpdate.isBefore(now) ? nextUpdate.minus(Duration.ofDays(1)) : now.minusSeconds(60);
    return Pem.encode(pki.issuing.crl(entries, BigInteger.valueOf(now.toEpochMilli()), thisUpdate, nextUpdate));
  }
}
