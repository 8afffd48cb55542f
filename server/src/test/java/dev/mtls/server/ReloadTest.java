package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.reload.MaterialEvent;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.server.testing.TestRoutes;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.MutableClock;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.TestPki;
import dev.mtls.testing.tls.TlsProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Material files changed on disk while the server runs: each unit (identity, trust anchors, each CRL file, role
 * rules) on its own; good replacements go into service, broken ones do not and are tried again at every poll.
 */
class ReloadTest {
  final ServerFixture pki = new ServerFixture();
  final MutableClock clock = MutableClock.now();
  final Recorder<Object> rejections = new Recorder<>();
  @TempDir Path dir;
  Path certificate;
  Path key;
  Path ca;
  Path crl;
  Path roles;
  MtlsServer server;

  @BeforeEach
  void start() throws IOException {
    certificate = Files.writeString(dir.resolve("tls.crt"), Pem.encode(pki.server.chain()));
    key = Files.writeString(dir.resolve("tls.key"), Pem.encode(pki.server.privateKey()));
    ca = Files.writeString(dir.resolve("ca.crt"), Pem.encode(pki.root.certificate()));
    crl = pki.writeCrls(dir.resolve("crl.pem"));
    roles = Files.writeString(dir.resolve("roles.conf"), ServerFixture.ROLES);
    server = TestRoutes.register(MtlsServer.builder()).identityPem(certificate, key, null).trustPem(ca).addCrlFile(crl)
        .roleRulesFile(roles).port(0).managementPort(-1).reloadInterval(Duration.ZERO).clock(clock)
        .listener(ServerListener.forwardingTo(rejections)).build().start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void changed_role_rules_apply_to_the_next_request() throws Exception {
    TlsProbe bob = pki.clientFor(pki.bob);
    assertThat(bob.request(server.port(), "POST", "/api/admin/reload").status()).isEqualTo(403);

    Files.writeString(roles, ServerFixture.ROLES + "admin subject.CN=bob\n");
    ReloadOutcome outcome = server.reload();

    assertThat(outcome.applied()).containsExactly("role rules " + roles + ": 3 rules");
    assertThat(bob.get(server.port(), "/whoami").body()).contains("\"roles\":[\"admin\",\"reader\"]");
  }

  @Test
  void broken_role_rules_keep_the_old_rules_and_say_where() throws Exception {
    Files.writeString(roles, "admin subject.OU=admins\nreader subject.XX=readers\n");

    ReloadOutcome outcome = server.reload();

    assertThat(outcome.refused()).containsExactly("role rules " + roles + ": " + roles + ":2: unknown attribute"
        + " 'XX'; expected one of CN, OU, O, L, ST, C, DC, UID, SERIALNUMBER, EMAILADDRESS, STREET, T");
    assertThat(pki.clientFor(pki.bob).get(server.port(), "/api/reports").status()).isEqualTo(200);
  }

  @Test
  void new_crl_refuses_the_revoked_client_on_new_and_existing_connections() throws Exception {
    TlsProbe bob = pki.clientFor(pki.bob);
    try (TlsProbe.Connection open = bob.connect(server.port())) {
      assertThat(open.request("GET", "/whoami").status()).isEqualTo(200);

      pki.writeCrls(crl, pki.bob.certificate());
      assertThat(server.reload().applied()).containsExactly("CRL file " + crl + ": 2 CRL(s)");

      TlsProbe.Response onOpenConnection = open.request("GET", "/whoami");
      assertThat(onOpenConnection.status()).isEqualTo(401);
      assertThat(open.isClosedByServer()).isTrue();
    }
    // A new client without a session to resume: refused in the handshake (a resumed session is refused at its first
    // request, see OpenConnectionTest).
    assertThatThrownBy(() -> pki.clientFor(pki.bob).get(server.port(), "/whoami")).isInstanceOf(IOException.class);
    assertThat(rejections.await(Rejection.class, r -> r.stage() == Rejection.Stage.HANDSHAKE)).singleElement()
        .extracting(r -> r.verdict().reason()).isEqualTo(Reason.REVOKED);
    assertThat(pki.clientFor(pki.alice).get(server.port(), "/whoami").status()).isEqualTo(200);
  }

  @Test
  void a_good_crl_and_a_broken_trust_file_in_one_poll_apply_the_crl_now_and_the_trust_file_once_fixed()
      throws Exception {
    TestPki next = TestPki.create();
    Issued dave = next.client("CN=dave,OU=readers,O=Demo");
    pki.writeCrls(crl, pki.bob.certificate());
    Files.writeString(ca, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");

    ReloadOutcome first = server.reload();

    assertThat(first.events()).extracting(MaterialEvent::unit, MaterialEvent::outcome).containsExactly(
        org.assertj.core.groups.Tuple.tuple("trust anchors " + ca, MaterialEvent.Outcome.REFUSED),
        org.assertj.core.groups.Tuple.tuple("CRL file " + crl, MaterialEvent.Outcome.APPLIED));
    assertThatThrownBy(() -> pki.clientFor(pki.bob).get(server.port(), "/whoami")).isInstanceOf(IOException.class);
    assertThat(server.reload().refused()).as("still broken: tried again").hasSize(1);

    Files.writeString(ca, Pem.encode(java.util.List.of(pki.root.certificate(), next.root.certificate())));
    // dave's CA publishes its CRLs too: with CRLs configured, every CA in a path needs one.
    Files.writeString(crl, Files.readString(crl) + next.crls().stream().map(Pem::encode)
        .reduce("", String::concat));
    assertThat(server.reload().applied()).hasSize(2);

    assertThat(pki.clientFor(dave).get(server.port(), "/whoami").status()).isEqualTo(200);
  }

  @Test
  void new_server_certificate_is_presented_to_new_connections() throws Exception {
    Issued renewed = pki.issuing.issue("CN=localhost,O=mtls-reference test").server().build();
    Files.writeString(key, Pem.encode(renewed.privateKey()));
    Files.writeString(certificate, Pem.encode(renewed.chain()));

    ReloadOutcome outcome = server.reload();

    assertThat(outcome.applied()).singleElement().asString().startsWith("server identity " + certificate
        + ": \"CN=localhost,O=mtls-reference test\" (serial " + renewed.certificate().getSerialNumber().toString(16));
    X509Certificate presented = (X509Certificate) pki.clientFor(pki.alice).get(server.port(), "/whoami")
        .session().getPeerCertificates()[0];
    assertThat(presented).isEqualTo(renewed.certificate());
  }

  @Test
  void key_not_matching_the_new_certificate_keeps_the_old_pair() throws Exception {
    Issued renewed = pki.issuing.issue("CN=localhost,O=mtls-reference test").server().build();
    Files.writeString(certificate, Pem.encode(renewed.chain()));

    ReloadOutcome outcome = server.reload();

    assertThat(outcome.refused()).singleElement().asString().startsWith("server identity " + certificate + ": "
        + certificate + " with key " + key + ": the private key does not match the certificate CN=localhost");
    assertThat(pki.clientFor(pki.alice).get(server.port(), "/whoami").session().getPeerCertificates()[0])
        .isEqualTo(pki.server.certificate());
  }

  @Test
  void unparseable_or_expired_server_certificate_keeps_the_old_one() throws Exception {
    Files.writeString(certificate, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
    assertThat(server.reload().refused()).hasSize(1);

    Issued expired = pki.issuing.issue("CN=localhost,O=mtls-reference test").server().expired().build();
    Files.writeString(key, Pem.encode(expired.privateKey()));
    Files.writeString(certificate, Pem.encode(expired.chain()));
    ReloadOutcome outcome = server.reload();

    assertThat(outcome.refused()).singleElement().asString().startsWith("server identity " + certificate + ": "
        + certificate + ": expired: the server certificate \"CN=localhost,O=mtls-reference test\" expired on ");
    assertThat(pki.clientFor(pki.alice).get(server.port(), "/whoami").session().getPeerCertificates()[0])
        .isEqualTo(pki.server.certificate());
  }

  @Test
  void a_server_certificate_not_valid_yet_goes_into_service_when_it_becomes_valid() throws Exception {
    Instant start = clock.instant().plus(Duration.ofHours(1));
    Issued early = pki.issuing.issue("CN=localhost,O=mtls-reference test").server()
        .validity(start, start.plus(Duration.ofDays(30))).build();
    Files.writeString(key, Pem.encode(early.privateKey()));
    Files.writeString(certificate, Pem.encode(early.chain()));

    assertThat(server.reload().refused()).singleElement().asString().contains("not yet valid");
    assertThat(pki.clientFor(pki.alice).get(server.port(), "/whoami").session().getPeerCertificates()[0])
        .as("the old certificate serves meanwhile").isEqualTo(pki.server.certificate());

    clock.set(start.plusSeconds(1));
    assertThat(server.reload().applied()).hasSize(1);
    assertThat(server.identity().certificate()).isEqualTo(early.certificate());
  }

  @Test
  void new_trust_anchors_admit_the_new_ca_and_refuse_the_old() throws Exception {
    TestPki next = TestPki.create();
    Issued dave = next.client("CN=dave,OU=readers,O=Demo");
    TlsProbe alice = pki.clientFor(pki.alice);
    assertThatThrownBy(() -> pki.clientFor(dave).get(server.port(), "/whoami")).isInstanceOf(IOException.class);

    Files.writeString(ca, Pem.encode(next.root.certificate()));
    Files.writeString(crl, next.crls().stream().map(Pem::encode).reduce("", String::concat));
    assertThat(server.reload().applied()).containsExactly("trust anchors " + ca + ": 1 trust anchor(s)",
        "CRL file " + crl + ": 2 CRL(s)");

    assertThat(pki.clientFor(dave).get(server.port(), "/whoami").body()).contains("\"roles\":[\"reader\"]");
    assertThatThrownBy(() -> alice.get(server.port(), "/whoami")).isInstanceOf(IOException.class);
  }

  @Test
  void empty_trust_bundle_is_refused_and_the_old_anchors_stay() throws Exception {
    Files.writeString(ca, "");

    assertThat(server.reload().refused()).containsExactly("trust anchors " + ca + ": " + ca
        + ": no PEM certificate found (expected -----BEGIN CERTIFICATE-----)");
    assertThat(pki.clientFor(pki.alice).get(server.port(), "/whoami").status()).isEqualTo(200);
  }

  @Test
  void polling_picks_up_changed_files_by_itself() throws Exception {
    try (MtlsServer polling = TestRoutes.register(MtlsServer.builder()).identityPem(certificate, key, null).trustPem(ca)
        .roleRulesFile(roles).port(0).managementPort(-1).reloadInterval(Duration.ofMillis(50)).build().start()) {
      Files.writeString(roles, "admin subject.CN=bob\n");

      Eventually.await("the poller to apply the new role rules",
          () -> polling.roleRules().toString().equals(roles + " (1 rules)"));
      assertThat(pki.clientFor(pki.bob).get(polling.port(), "/whoami").body()).contains("\"roles\":[\"admin\"]");
    }
  }
}
