package dev.mtls.pki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code pki p12} packages a key only with its own certificate, or a truststore; {@code pki demo} writes the whole
 * learning set once and refuses to overwrite it.
 */
class Pkcs12AndDemoCommandTest extends PkiCliTestBase {
  @Test
  void p12_packages_a_csr_signed_identity_and_a_truststore() throws Exception {
    Path key = dir.resolve("svc.key");
    Path csr = dir.resolve("svc.csr");
    run("csr", "--key", key.toString(), "--subject", "CN=svc", "--out", csr.toString());
    run("sign", "--dir", ca.toString(), "--password-file", password.toString(), "--csr", csr.toString(),
        "--profile", "client", "--out", dir.resolve("svc.pem").toString());

    Run keystore = run("p12", "--cert", dir.resolve("svc-chain.pem").toString(), "--key", key.toString(),
        "--name", "svc", "--out", dir.resolve("svc.p12").toString(), "--out-password-file", password.toString());
    Run truststore = run("p12", "--trust", ca.resolve("root.pem").toString(), "--out",
        dir.resolve("trust.p12").toString(), "--out-password-file", password.toString());

    assertThat(keystore.exit()).as(keystore.err()).isZero();
    assertThat(truststore.exit()).as(truststore.err()).isZero();
    Identity identity = Identity.loadPkcs12(dir.resolve("svc.p12"), "correct horse".toCharArray(), "svc");
    assertThat(identity.chain()).hasSize(2);
    assertThat(dev.mtls.pki.material.TrustAnchors.loadPkcs12(dir.resolve("trust.p12"), "correct horse".toCharArray())
        .certificates()).containsExactlyElementsOf(Pem.loadCertificates(ca.resolve("root.pem")));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("svc.p12"))))
        .isEqualTo("rw-------");
  }

  @Test
  void p12_refuses_a_key_that_does_not_belong_to_the_certificate() throws Exception {
    issueClient("alice", "CN=alice");
    issueClient("bob", "CN=bob");

    Run run = run("p12", "--cert", dir.resolve("alice-chain.pem").toString(), "--key",
        dir.resolve("bob.key").toString(), "--out", dir.resolve("mixed.p12").toString(), "--out-password-file",
        password.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("error: " + dir.resolve("alice-chain.pem") + " with key " + dir.resolve("bob.key")
        + ": the private key does not match the certificate CN=alice" + System.lineSeparator());
    assertThat(dir.resolve("mixed.p12")).doesNotExist();
  }

  @Test
  void demo_creates_the_whole_learning_set_and_refuses_to_overwrite_it() throws Exception {
    Path out = dir.resolve("demo");

    Run demo = run("demo", "--out", out.toString());

    assertThat(demo.exit()).as(demo.err()).isZero();
    List<String> expected = new ArrayList<>();
    for (String name : List.of("server", "alice", "bob", "carol", "expired", "revoked", "foreign")) {
      expected.addAll(List.of(name + ".key", name + ".pem", name + "-chain.pem", name + ".p12"));
    }
    for (String file : expected) {
      assertThat(out.resolve(file)).as(file).exists();
    }
    assertThat(Pem.loadCrls(out.resolve("ca/crl.pem")).get(0)
        .isRevoked(Pem.loadCertificates(out.resolve("revoked.pem")).get(0))).isTrue();
    assertThat(Pem.loadCertificates(out.resolve("expired.pem")).get(0).getNotAfter()).isInThePast();
    assertThat(demo.out()).contains("alice", "OU=admins", "foreign", "password.txt");

    assertThat(Pem.loadCertificates(out.resolve("alice.pem")).get(0).getNotAfter()).isAfter(Date.from(
        Instant.now().plus(Duration.ofDays(80))));

    Run again = run("demo", "--out", out.toString());
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).startsWith("error: " + out + ": exists and is not empty; refusing to overwrite it.");
  }

  @Test
  void demo_issues_short_lived_certificates_with_a_lifetime() throws Exception {
    Path out = dir.resolve("short");

    Run demo = run("demo", "--out", out.toString(), "--lifetime", "24h");

    assertThat(demo.exit()).as(demo.err()).isZero();
    X509Certificate server = Pem.loadCertificates(out.resolve("server.pem")).get(0);
    assertThat(Duration.between(server.getNotBefore().toInstant(), server.getNotAfter().toInstant()))
        .isEqualTo(Duration.ofHours(24));
    assertThat(demo.out()).contains(" 24h ");
    assertThat(run("demo", "--out", dir.resolve("bad").toString(), "--lifetime", "soon").err())
        .contains("--lifetime");
  }
}
