package dev.mtls.pki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.Pem;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code pki revoke}, {@code crl} and {@code renew}: a revoked serial is in the CRL with its reason, a revoked
 * certificate is not renewed, a compromised key is never certified again, and a revoked issuing CA stops issuing.
 */
class RevokeAndRenewCommandTest extends PkiCliTestBase {
  @Test
  void revoke_then_crl_lists_the_serial_with_its_reason() throws Exception {
    issueClient("mallory", "CN=mallory");
    BigInteger serial = Pem.loadCertificates(dir.resolve("mallory.pem")).get(0).getSerialNumber();

    Run revoke = run("revoke", "--dir", ca.toString(), "--password-file", password.toString(), "--serial",
        serial.toString(16), "--reason", "keyCompromise");
    Run crl = run("crl", "--dir", ca.toString(), "--password-file", password.toString());

    assertThat(revoke.exit()).as(revoke.err()).isZero();
    assertThat(crl.exit()).as(crl.err()).isZero();
    X509CRL published = Pem.loadCrls(ca.resolve("crl.pem")).get(0);
    assertThat(published.getRevokedCertificate(serial)).isNotNull();
    assertThat(published.getRevokedCertificate(serial).getRevocationReason())
        .isEqualTo(java.security.cert.CRLReason.KEY_COMPROMISE);
    Run twice = run("revoke", "--dir", ca.toString(), "--password-file", password.toString(), "--serial",
        serial.toString(16));
    assertThat(twice.exit()).isEqualTo(1);
    assertThat(twice.err()).startsWith("error: serial " + serial.toString(16) + " is already revoked (keyCompromise, ");
    Run list = run("list", "--dir", ca.toString());
    assertThat(list.out()).contains(serial.toString(16) + "   revoked");
  }

  @Test
  void renew_keeps_names_with_a_new_serial_and_optionally_a_new_key() throws Exception {
    run("issue", "server", "--dir", ca.toString(), "--password-file", password.toString(), "--name", "web",
        "--san", "dns:web.example.org", "--san", "ip:10.0.0.1", "--out", dir.toString());
    X509Certificate old = Pem.loadCertificates(dir.resolve("web.pem")).get(0);

    Run renew = run("renew", "--dir", ca.toString(), "--password-file", password.toString(), "--serial",
        old.getSerialNumber().toString(16), "--name", "web2", "--new-key", "--days", "30", "--out", dir.toString());

    assertThat(renew.exit()).as(renew.err()).isZero();
    X509Certificate renewed = Pem.loadCertificates(dir.resolve("web2.pem")).get(0);
    assertThat(renewed.getSerialNumber()).isNotEqualTo(old.getSerialNumber());
    assertThat(renewed.getSubjectX500Principal()).isEqualTo(old.getSubjectX500Principal());
    assertThat(renewed.getSubjectAlternativeNames()).containsExactlyElementsOf(old.getSubjectAlternativeNames());
    assertThat(renewed.getPublicKey()).isNotEqualTo(old.getPublicKey());
    Identity.of(Pem.loadPrivateKey(dir.resolve("web2.key"), null), List.of(renewed));
  }

  @ParameterizedTest
  @ValueSource(strings = {"superseded", "keyCompromise"})
  void renew_refuses_a_revoked_certificate(String reason) throws Exception {
    issueClient("leaky-" + reason, "CN=leaky " + reason);
    String serial = Pem.loadCertificates(dir.resolve("leaky-" + reason + ".pem")).get(0).getSerialNumber().toString(16);
    run("revoke", "--dir", ca.toString(), "--password-file", password.toString(), "--serial", serial,
        "--reason", reason);

    Run renewed = run("renew", "--dir", ca.toString(), "--password-file", password.toString(), "--serial", serial,
        "--name", "again-" + reason, "--new-key", "--out", dir.toString());

    assertThat(renewed.exit()).isEqualTo(1);
    assertThat(renewed.err()).matches("error: serial " + serial + " was revoked on \\S+ \\(" + reason + "\\): a"
        + " revoked certificate is not renewed; issue a new one" + (reason.equals("keyCompromise")
            ? " with a new key" : "") + "\\R");
    assertThat(dir.resolve("again-" + reason + ".pem")).doesNotExist();
  }

  @Test
  void a_key_revoked_for_key_compromise_is_never_certified_again() throws Exception {
    Path csr = csr("twice", "CN=twice", "dns:twice.example.org");
    Path first = dir.resolve("first.pem");
    Path second = dir.resolve("second.pem");
    sign(csr, "client", first);
    sign(csr, "client", second);
    String firstSerial = Pem.loadCertificates(first).get(0).getSerialNumber().toString(16);
    String secondSerial = Pem.loadCertificates(second).get(0).getSerialNumber().toString(16);
    run("revoke", "--dir", ca.toString(), "--password-file", password.toString(), "--serial", firstSerial,
        "--reason", "keyCompromise");

    Run renewSecond = run("renew", "--dir", ca.toString(), "--password-file", password.toString(), "--serial",
        secondSerial, "--name", "second-renewed", "--out", dir.toString());
    Run signAgain = sign(csr, "client", dir.resolve("third.pem"));

    assertThat(renewSecond.exit()).isEqualTo(1);
    assertThat(renewSecond.err()).matches("error: its key \\(renew with --new-key\\) was revoked for keyCompromise"
        + " with serial " + firstSerial + " on \\S+; it is never certified again: use a new key\\R");
    assertThat(signAgain.exit()).isEqualTo(1);
    assertThat(signAgain.err()).matches("error: the request's key was revoked for keyCompromise with serial "
        + firstSerial + " on \\S+; it is never certified again: use a new key\\R");
    assertThat(dir.resolve("third.pem")).doesNotExist();
  }

  @Test
  void revoking_the_issuing_ca_in_the_roots_crl_cuts_off_its_clients_and_stops_it_issuing() throws Exception {
    Path own = dir.resolve("own-ca");
    assertThat(run("init", "--dir", own.toString(), "--password-file", password.toString()).exit()).isZero();
    Run issue = run("issue", "client", "--dir", own.toString(), "--password-file", password.toString(), "--name",
        "dora", "--subject", "CN=dora", "--out", dir.toString(), "--out-password-file", password.toString());
    assertThat(issue.exit()).as(issue.err()).isZero();
    BigInteger intermediate = Pem.loadCertificates(own.resolve("intermediate.pem")).get(0).getSerialNumber();

    Run revoke = run("revoke", "--dir", own.toString(), "--password-file", password.toString(), "--serial",
        intermediate.toString(16), "--reason", "caCompromise");
    Run crl = run("crl", "--dir", own.toString(), "--password-file", password.toString());
    Run verify = run("verify", "--ca-file", own.resolve("root.pem").toString(), "--crl",
        own.resolve("crl.pem").toString(), "--purpose", "client", dir.resolve("dora-chain.pem").toString());
    Run again = run("issue", "client", "--dir", own.toString(), "--password-file", password.toString(), "--name",
        "eve", "--subject", "CN=eve", "--out", dir.toString(), "--out-password-file", password.toString());

    assertThat(revoke.exit()).as(revoke.err()).isZero();
    assertThat(crl.out()).contains("the root's CRL with 1 revoked CA certificate(s)");
    assertThat(verify.exit()).isEqualTo(3);
    assertThat(verify.out()).contains("REFUSED (REVOKED)", "CA certificate \"CN=mtls-reference Issuing CA",
        "(reason cACompromise)");
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("the issuing CA (serial " + intermediate.toString(16) + ") was revoked");
  }
}
