package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.Verdict;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.Keys;
import dev.mtls.testing.pki.TestCa;
import dev.mtls.testing.pki.TestPki;
import dev.mtls.testing.tls.TlsProbe;
import java.io.IOException;
import java.nio.file.Path;
import org.bouncycastle.asn1.DERNull;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way a client is refused at the handshake, decided on the server's rejection event. */
class HandshakeRejectionTest {
  static final ServerFixture pki = new ServerFixture();
  static final Issued revoked = pki.client("CN=mallory,OU=readers,O=Demo");
  static final Recorder<Object> rejections = new Recorder<>();
  static MtlsServer server;

  @BeforeAll
  static void start(@TempDir Path dir) throws IOException {
    Path crl = pki.writeCrls(dir.resolve("crl.pem"), revoked.certificate());
    server = pki.serverBuilder().addCrlFile(crl).listener(ServerListener.forwardingTo(rejections)).build().start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void forgetEarlierRejections() {
    rejections.clear();
  }

  @Test
  void rejects_client_without_certificate() {
    Verdict verdict = refused(pki.anonymousClient());

    assertThat(verdict.reason()).isEqualTo(Reason.NO_CERTIFICATE);
    assertThat(verdict.offered()).isEmpty();
  }

  @Test
  void rejects_client_signed_by_foreign_ca() {
    Issued eve = TestPki.named("CN=Foreign Root,O=Elsewhere", "CN=Foreign Issuing CA,O=Elsewhere")
        .client("CN=eve,OU=admins,O=Demo");

    Verdict verdict = refused(pki.clientFor(eve));

    assertThat(verdict.reason()).isEqualTo(Reason.UNTRUSTED_ISSUER);
    assertThat(verdict.sentence()).isEqualTo("CA certificate \"CN=Foreign Issuing CA,O=Elsewhere\" was issued by"
        + " \"CN=Foreign Root,O=Elsewhere\", which is not a trust anchor here");
  }

  @Test
  void rejects_client_from_foreign_ca_that_copies_our_ca_names() {
    Issued eve = TestPki.named(TestPki.ROOT, TestPki.ISSUING)
        .client("CN=eve,OU=admins,O=Demo");

    Verdict verdict = refused(pki.clientFor(eve));

    assertThat(verdict.reason()).isEqualTo(Reason.UNTRUSTED_ISSUER);
    assertThat(verdict.sentence()).endsWith("but that anchor's key did not sign it: a CA with the same name but"
        + " another key is a different CA");
  }

  @Test
  void rejects_expired_client_certificate() {
    Issued old = pki.issuing.issue("CN=old,OU=readers,O=Demo").expired().build();

    Verdict verdict = refused(pki.clientFor(old));

    assertThat(verdict.reason()).isEqualTo(Reason.EXPIRED);
    assertThat(verdict.sentence()).startsWith("the client certificate \"CN=old,OU=readers,O=Demo\" expired on ");
  }

  @Test
  void rejects_client_certificate_not_yet_valid() {
    Issued early = pki.issuing.issue("CN=early,OU=readers,O=Demo").notYetValid().build();

    assertThat(refused(pki.clientFor(early)).reason()).isEqualTo(Reason.NOT_YET_VALID);
  }

  @Test
  void rejects_revoked_client_certificate() {
    Verdict verdict = refused(pki.clientFor(revoked));

    assertThat(verdict.reason()).isEqualTo(Reason.REVOKED);
    assertThat(verdict.sentence()).contains("(reason keyCompromise) by \"CN=Test Issuing CA,O=mtls-reference test\"");
  }

  @Test
  void rejects_certificate_made_for_servers_only() {
    Issued serverOnly = pki.issuing.issue("CN=svc,OU=admins,O=Demo").server().build();

    Verdict verdict = refused(pki.clientFor(serverOnly));

    assertThat(verdict.reason()).isEqualTo(Reason.WRONG_PURPOSE);
    assertThat(verdict.sentence()).endsWith("its extended key usage [serverAuth] lacks clientAuth");
  }

  @Test
  void rejects_sha1_signed_client_certificate() {
    Issued sha1 = pki.issuing.issue("CN=legacy,OU=admins,O=Demo").signatureAlgorithm("SHA1withECDSA").build();

    Verdict verdict = refused(pki.clientFor(sha1));

    assertThat(verdict.reason()).isEqualTo(Reason.WEAK_ALGORITHM);
    assertThat(verdict.sentence()).endsWith("is signed with SHA1withECDSA (SHA-1 is not accepted)");
  }

  @Test
  void rejects_a_chain_through_a_ca_with_a_dsa_key() {
    TestCa dsa = pki.root.issue("CN=DSA CA,O=Demo").key(Keys.dsa()).ca(0).buildCa();

    Verdict verdict = refused(pki.clientFor(dsa.client("CN=dave,OU=admins,O=Demo")));

    assertThat(verdict.reason()).isEqualTo(Reason.WEAK_ALGORITHM);
    assertThat(verdict.index()).isEqualTo(1);
    assertThat(verdict.sentence()).startsWith("CA certificate \"CN=DSA CA,O=Demo\" has a DSA key");
  }

  @Test
  void gives_path_length_violations_their_own_reason() {
    TestCa sub = pki.issuing.issue("CN=Sub CA,O=Demo").ca(0).buildCa();

    Verdict verdict = refused(pki.clientFor(sub.client("CN=deep,OU=admins,O=Demo")));

    assertThat(verdict.reason()).isEqualTo(Reason.PATH_TOO_LONG);
    assertThat(verdict.sentence()).contains("whose pathLen 0 allows no CA below it");
  }

  @Test
  void gives_unknown_critical_extensions_their_own_reason() {
    Issued odd = pki.issuing.issue("CN=odd,OU=admins,O=Demo").extension("1.3.6.1.4.1.55555.1", true,
        DERNull.INSTANCE).build();

    Verdict verdict = refused(pki.clientFor(odd));

    assertThat(verdict.reason()).isEqualTo(Reason.UNKNOWN_CRITICAL_EXTENSION);
    assertThat(verdict.sentence()).contains("1.3.6.1.4.1.55555.1");
  }

  @Test
  void gives_name_constraint_violations_their_own_reason() {
    TestCa constrained = pki.root.issue("CN=Constrained CA,O=Demo").ca(0).permittedDns("allowed.example").buildCa();

    Verdict verdict = refused(pki.clientFor(constrained.issue("CN=evil,OU=admins,O=Demo").dns("evil.example")
        .build()));

    assertThat(verdict.reason()).isEqualTo(Reason.NAME_CONSTRAINTS);
  }

  @Test
  void rejects_tls11_client() {
    Verdict verdict = refused(pki.clientFor(pki.alice).protocols("TLSv1.1"));

    assertThat(verdict.reason()).isEqualTo(Reason.NO_COMMON_PROTOCOL);
    assertThat(verdict.sentence()).isEqualTo("The client supported protocol versions [TLSv1.1] are not accepted by"
        + " server preferences [TLSv1.3, TLSv1.2]");
  }

  @Test
  void rejects_client_offering_only_cbc_suites() {
    TlsProbe cbc = pki.clientFor(pki.alice).protocols("TLSv1.2")
        .cipherSuites("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA");

    Verdict verdict = refused(cbc);

    assertThat(verdict.reason()).isEqualTo(Reason.NO_COMMON_PROTOCOL);
    assertThat(verdict.sentence()).isEqualTo("no cipher suites in common");
  }

  @Test
  void rejects_revoked_client_also_over_tls12() {
    assertThat(refused(pki.clientFor(revoked).protocols("TLSv1.2")).reason()).isEqualTo(Reason.REVOKED);
  }

  @Test
  void rejects_client_without_certificate_over_tls12() {
    assertThat(refused(pki.anonymousClient().protocols("TLSv1.2")).reason()).isEqualTo(Reason.NO_CERTIFICATE);
  }

  /**
   * The request fails on the client (with TLS 1.3 often only at the first read or write, as a reset or closed
   * connection), and the server reports exactly one handshake rejection, whose verdict is returned.
   */
  private static Verdict refused(TlsProbe client) {
    assertThatThrownBy(() -> client.get(server.port(), "/whoami")).isInstanceOf(IOException.class);
    Rejection rejection = rejections.awaitOnly(Rejection.class);
    assertThat(rejection.stage()).isEqualTo(Rejection.Stage.HANDSHAKE);
    assertThat(rejection.peer()).matches("127\\.0\\.0\\.1:[0-9]+");
    return rejection.verdict();
  }
}
