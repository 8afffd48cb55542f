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
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way a client is refused at the handshake, and the one WARN line that says why. */
class HandshakeRejectionTest {
  static final TestPki pki = new TestPki();
  static final String ISSUER = "issuer \"CN=Test Issuing CA,O=mtls-reference test\"";
  static final IssuedCertificate revoked = pki.client("CN=mallory,OU=readers,O=Demo");
  static final String NO_ANCHOR = "no trust anchor of this server signed the chain (trusted: CN=Test Root CA,"
      + "O=mtls-reference test); a CA with the same name but another key is a different CA";
  static MtlsServer server;
  LogCapture rejections;

  @BeforeAll
  static void start(@TempDir Path dir) throws IOException {
    Instant now = Instant.now();
    Path crl = Files.writeString(dir.resolve("issuing.crl"), Pem.encode(pki.issuing.crl(
        List.of(new Revocation(revoked.certificate().getSerialNumber(), now.minusSeconds(60),
            RevocationReason.KEY_COMPROMISE)),
        BigInteger.ONE, now.minusSeconds(60), now.plus(Duration.ofDays(7)))));
    server = pki.serverBuilder().addCrlFile(crl).build().start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void captureLogs() {
    rejections = LogCapture.of(RejectionLog.class);
  }

  @AfterEach
  void releaseLogs() {
    rejections.close();
  }

  @Test
  void rejects_client_without_certificate() {
    String line = refused(pki.anonymousClient(), "no certificate");

    assertThat(line).endsWith(": no certificate; the client sent none and this server requires one");
  }

  @Test
  void rejects_client_signed_by_foreign_ca() {
    CertificateAuthority foreign = CertificateAuthority.createRoot("CN=Foreign Root,O=Elsewhere")
        .createIntermediate("CN=Foreign Issuing CA,O=Elsewhere");
    IssuedCertificate eve = foreign.issue(CertificateSpec.client("CN=eve,OU=admins,O=Demo").build());

    String line = refused(pki.clientFor(eve), "not issued by a trusted CA");

    assertThat(line).contains(": not issued by a trusted CA; subject \"CN=eve,OU=admins,O=Demo\", "
        + "issuer \"CN=Foreign Issuing CA,O=Elsewhere\"; " + NO_ANCHOR);
  }

  @Test
  void rejects_client_from_foreign_ca_that_copies_our_ca_names() {
    CertificateAuthority impostor = CertificateAuthority.createRoot("CN=Test Root CA,O=mtls-reference test")
        .createIntermediate("CN=Test Issuing CA,O=mtls-reference test");
    IssuedCertificate eve = impostor.issue(CertificateSpec.client("CN=eve,OU=admins,O=Demo").build());

    String line = refused(pki.clientFor(eve), "not issued by a trusted CA");

    assertThat(line).endsWith(": not issued by a trusted CA; subject \"CN=eve,OU=admins,O=Demo\", " + ISSUER
        + "; " + NO_ANCHOR);
  }

  @Test
  void rejects_expired_client_certificate() {
    IssuedCertificate old = pki.issuing.issue(CertificateSpec.client("CN=old,OU=readers,O=Demo")
        .notBefore(Instant.now().minus(Duration.ofDays(10))).validity(Duration.ofDays(1)).build());

    String line = refused(pki.clientFor(old), "expired");

    assertThat(line).endsWith(": expired; subject \"CN=old,OU=readers,O=Demo\", " + ISSUER
        + "; the client certificate CN=old,OU=readers,O=Demo expired on " + old.certificate().getNotAfter().toInstant());
  }

  @Test
  void rejects_client_certificate_not_yet_valid() {
    IssuedCertificate early = pki.issuing.issue(CertificateSpec.client("CN=early,OU=readers,O=Demo")
        .notBefore(Instant.now().plus(Duration.ofDays(2))).validity(Duration.ofDays(30)).build());

    String line = refused(pki.clientFor(early), "not yet valid");

    assertThat(line).endsWith(": not yet valid; subject \"CN=early,OU=readers,O=Demo\", " + ISSUER
        + "; the client certificate CN=early,OU=readers,O=Demo is not valid before "
        + early.certificate().getNotBefore().toInstant());
  }

  @Test
  void rejects_revoked_client_certificate() {
    String line = refused(pki.clientFor(revoked), "revoked");

    assertThat(line).contains(": revoked; subject \"CN=mallory,OU=readers,O=Demo\", " + ISSUER
        + "; the client certificate CN=mallory,OU=readers,O=Demo (serial "
        + revoked.certificate().getSerialNumber().toString(16) + ") was revoked on ");
    assertThat(line).endsWith(", reason KEY_COMPROMISE");
  }

  @Test
  void rejects_certificate_made_for_servers_only() {
    IssuedCertificate serverOnly = pki.issuing.issue(CertificateSpec.server("CN=svc,OU=admins,O=Demo")
        .addSubjectAltName(SubjectAltName.dns("svc.example.org")).build());

    String line = refused(pki.clientFor(serverOnly), "wrong key usage");

    assertThat(line).contains(": wrong key usage; subject \"CN=svc,OU=admins,O=Demo\", " + ISSUER
        + "; Extended key usage does not permit use for TLS client authentication");
  }

  @Test
  void rejects_sha1_signed_client_certificate() throws Exception {
    Identity sha1 = pki.handMade("CN=legacy,OU=admins,O=Demo", "SHA1withECDSA", "EC", 256);

    String line = refused(pki.clientFor(sha1), "weak algorithm");

    assertThat(line).contains(": weak algorithm; subject \"CN=legacy,OU=admins,O=Demo\", " + ISSUER
        + "; the client certificate CN=legacy,OU=admins,O=Demo is signed with SHA1withECDSA");
  }

  @Test
  void rejects_rsa_1024_client_key() throws Exception {
    Identity small = pki.handMade("CN=small,OU=admins,O=Demo", "SHA256withECDSA", "RSA", 1024);

    String line = refused(pki.clientFor(small), "weak algorithm");

    assertThat(line).contains(": weak algorithm; subject \"CN=small,OU=admins,O=Demo\", " + ISSUER
        + "; the client certificate CN=small,OU=admins,O=Demo has a 1024-bit RSA key (minimum 2048)");
  }

  @Test
  void rejects_tls11_client() {
    String line = refused(pki.clientFor(pki.alice).protocols("TLSv1.1"), "no common TLS protocol or cipher suite");

    assertThat(line).endsWith(": no common TLS protocol or cipher suite; The client supported protocol versions"
        + " [TLSv1.1] are not accepted by server preferences [TLSv1.3, TLSv1.2]");
  }

  @Test
  void rejects_client_offering_only_cbc_suites() {
    TestClient cbc = pki.clientFor(pki.alice).protocols("TLSv1.2")
        .cipherSuites("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA");

    String line = refused(cbc, "no common TLS protocol or cipher suite");

    assertThat(line).endsWith(": no common TLS protocol or cipher suite; no cipher suites in common");
  }

  @Test
  void rejects_revoked_client_also_over_tls12() {
    String line = refused(pki.clientFor(revoked).protocols("TLSv1.2"), "revoked");

    assertThat(line).contains(": revoked; subject \"CN=mallory,OU=readers,O=Demo\"");
  }

  @Test
  void rejects_client_without_certificate_over_tls12() {
    String line = refused(pki.anonymousClient().protocols("TLSv1.2"), "no certificate");

    assertThat(line).endsWith(": no certificate; the client sent none and this server requires one");
  }

  /**
   * The request fails on the client (with TLS 1.3 often only at the first read or write, as a reset or closed
   * connection), and the server logs exactly one WARN line for it, which is returned.
   */
  private String refused(TestClient client, String reason) {
    assertThatThrownBy(() -> client.get(server.port(), "/whoami")).isInstanceOf(IOException.class);
    List<String> lines = rejections.await(Level.WARN, line -> line.contains(": " + reason));
    assertThat(lines).hasSize(1);
    assertThat(rejections.messages(Level.WARN)).hasSize(1);
    String line = lines.get(0);
    assertThat(line).matches("rejected client 127\\.0\\.0\\.1:[0-9]+: .*");
    return line;
  }

}
