package dev.mtls.pki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.Pem;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code pki inspect}, {@code verify} and {@code list} show a learner what a certificate holds, why it is refused,
 * and which certificates end soon.
 */
class InspectVerifyListCommandTest extends PkiCliTestBase {
  @Test
  void inspect_shows_the_fields_a_learner_looks_for() {
    issueClient("alice", "CN=alice,OU=admins,O=example");

    Run inspect = run("inspect", dir.resolve("alice.pem").toString());

    assertThat(inspect.exit()).isZero();
    assertThat(inspect.out()).contains("Subject:             CN=alice,OU=admins,O=example",
        "Issuer:              CN=mtls-reference Issuing CA,O=mtls-reference", "days left)",
        "Public key:          EC P-256",
        "Key usage:           digitalSignature (critical)", "Extended key usage:  clientAuth", "SHA-256 fingerprint:",
        "Authority key id:", "Subject key id:", "Serial:");
  }

  @Test
  void verify_says_why_a_certificate_fails() {
    issueClient("alice", "CN=alice");

    Run asServer = run("verify", "--ca-file", ca.resolve("root.pem").toString(), "--purpose", "server",
        dir.resolve("alice-chain.pem").toString());
    Run asClient = run("verify", "--ca-file", ca.resolve("root.pem").toString(), "--purpose", "client",
        dir.resolve("alice-chain.pem").toString());

    assertThat(asServer.exit()).isEqualTo(3);
    assertThat(asServer.out()).contains("REFUSED (WRONG_PURPOSE): not allowed for this purpose: the server certificate"
        + " \"CN=alice\" is not allowed for TLS server authentication: its extended key usage [clientAuth] lacks"
        + " serverAuth");
    assertThat(asClient.exit()).isZero();
    assertThat(asClient.out()).contains(": TRUSTED: the client certificate \"CN=alice\" chains to trust anchor");
  }

  @Test
  void verify_refuses_a_chain_ending_at_an_expired_root_as_openssl_does() throws Exception {
    TestCa expiredRoot = TestCa.selfSigned("CN=Expired Root,O=example").expired().buildCa();
    Issued alice = expiredRoot.intermediate("CN=Issuing,O=example").client("CN=alice,O=example");
    Path root = Files.writeString(dir.resolve("expired-root.pem"), Pem.encode(expiredRoot.certificate()));
    Path chain = Files.writeString(dir.resolve("alice-chain.pem"), Pem.encode(alice.chain().get(0))
        + Pem.encode(alice.chain().get(1)));

    Run verify = run("verify", "--ca-file", root.toString(), "--purpose", "client", chain.toString());

    assertThat(verify.exit()).as(verify.out()).isEqualTo(3);
    assertThat(verify.out()).contains("REFUSED (ANCHOR_EXPIRED): trust anchor expired: the trust anchor"
        + " \"CN=Expired Root,O=example\" expired on");
  }

  @Test
  void verify_with_crls_needs_a_crl_from_every_ca_in_the_path_unless_told_otherwise() throws Exception {
    issueClient("alice", "CN=alice");
    run("crl", "--dir", ca.toString(), "--password-file", password.toString());
    List<X509CRL> published = Pem.loadCrls(ca.resolve("crl.pem"));
    Path issuingOnly = Files.writeString(dir.resolve("issuing-crl.pem"), Pem.encode(published.get(0)));
    String root = ca.resolve("root.pem").toString();
    String chain = dir.resolve("alice-chain.pem").toString();

    Run both = run("verify", "--ca-file", root, "--crl", ca.resolve("crl.pem").toString(), "--purpose", "client",
        chain);
    Run missing = run("verify", "--ca-file", root, "--crl", issuingOnly.toString(), "--purpose", "client", chain);
    Run accepted = run("verify", "--ca-file", root, "--crl", issuingOnly.toString(), "--missing-crl", "accept",
        "--purpose", "client", chain);

    assertThat(published).extracting(crl -> crl.getIssuerX500Principal().getName())
        .containsExactly("CN=mtls-reference Issuing CA,O=mtls-reference", "CN=mtls-reference Root CA,O=mtls-reference");
    assertThat(both.exit()).as(both.out()).isZero();
    assertThat(missing.exit()).isEqualTo(3);
    assertThat(missing.out()).contains("REFUSED (REVOCATION_UNKNOWN)", "no CRL signed by \"CN=mtls-reference Root CA");
    assertThat(accepted.exit()).isZero();
    assertThat(accepted.out()).contains("note: no CRL signed by \"CN=mtls-reference Root CA", "(missing-crl: accept)");
  }

  @Test
  void list_expiring_within_shows_only_certificates_ending_in_the_window() throws Exception {
    run("issue", "client", "--dir", ca.toString(), "--password-file", password.toString(), "--name", "short",
        "--days", "5", "--out", dir.toString());
    run("issue", "client", "--dir", ca.toString(), "--password-file", password.toString(), "--name", "long",
        "--days", "60", "--out", dir.toString());

    Run list = run("list", "--dir", ca.toString(), "--expiring-within", "10");

    assertThat(list.out()).contains("CN=short").doesNotContain("CN=long");
  }
}
