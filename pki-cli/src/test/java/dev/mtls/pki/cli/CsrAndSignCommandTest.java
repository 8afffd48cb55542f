package dev.mtls.pki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.IndexEntry;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.Pem;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code pki csr} and {@code pki sign} certify the names a request asks for only as the name policy allows, and no
 * command certifies a name that could pass for another: a wildcard client, a URI with dot segments, a CA's own name.
 */
class CsrAndSignCommandTest extends PkiCliTestBase {
  @Test
  void csr_then_sign_issues_for_the_requested_names_and_the_key_never_leaves() throws Exception {
    Path key = dir.resolve("svc.key");
    Path csr = dir.resolve("svc.csr");
    Run made = run("csr", "--key", key.toString(), "--subject", "CN=svc.example.org", "--san", "dns:svc.example.org",
        "--out", csr.toString());
    assertThat(made.exit()).as(made.err()).isZero();

    Run signed = run("sign", "--dir", ca.toString(), "--password-file", password.toString(), "--csr", csr.toString(),
        "--profile", "server", "--allow-subject", "CN=*", "--allow-dns", "*.example.org", "--out",
        dir.resolve("svc.pem").toString());

    assertThat(signed.exit()).as(signed.err()).isZero();
    X509Certificate certificate = Pem.loadCertificates(dir.resolve("svc.pem")).get(0);
    assertThat(certificate.getSubjectAlternativeNames()).containsExactly(List.of(2, "svc.example.org"));
    assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    Identity.of(Pem.loadPrivateKey(key, null), Pem.loadCertificates(dir.resolve("svc-chain.pem")));
  }

  @Test
  void sign_twice_on_one_csr_refuses_while_its_files_exist_and_when_forced_names_the_certificate_still_valid()
      throws Exception {
    Path csr = csr("twice", "CN=twice.example.org", "dns:twice.example.org");
    Run first = sign(csr, "server", dir.resolve("twice.pem"));
    BigInteger firstSerial = Pem.loadCertificates(dir.resolve("twice.pem")).get(0).getSerialNumber();
    List<IndexEntry> before = recorded();

    Run again = sign(csr, "server", dir.resolve("twice.pem"));
    List<IndexEntry> afterRefusal = recorded();
    Run forced = run("sign", "--dir", ca.toString(), "--password-file", password.toString(), "--csr", csr.toString(),
        "--profile", "server", "--allow-subject", "CN=*", "--allow-dns", "*.example.org", "--out",
        dir.resolve("twice.pem").toString(), "--force");

    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).endsWith("error: " + dir.resolve("twice.pem") + ": already exists; nothing was issued."
        + " Choose another name or directory, or --force to overwrite it" + System.lineSeparator());
    assertThat(afterRefusal).isEqualTo(before);
    assertThat(forced.exit()).as(forced.err()).isZero();
    assertThat(recorded()).hasSize(before.size() + 1);
    assertThat(Pem.loadCertificates(dir.resolve("twice.pem")).get(0).getSerialNumber()).isNotEqualTo(firstSerial);
    assertThat(forced.out()).contains("note: serial " + firstSerial.toString(16) + " certifies the same key and"
        + " stays valid until ", "revoke --dir " + ca + " --serial " + firstSerial.toString(16)
        + " --reason superseded");
  }

  @Test
  void sign_refuses_a_name_outside_the_policy() throws Exception {
    Path csr = dir.resolve("evil.csr");
    run("csr", "--key", dir.resolve("evil.key").toString(), "--subject", "CN=evil", "--san", "dns:bank.example.com",
        "--out", csr.toString());

    Run signed = run("sign", "--dir", ca.toString(), "--password-file", password.toString(), "--csr", csr.toString(),
        "--profile", "server", "--allow-subject", "CN=*", "--allow-dns", "*.example.org", "--out",
        dir.resolve("evil.pem").toString());

    assertThat(signed.exit()).isEqualTo(1);
    assertThat(signed.err()).isEqualTo("error: subject alternative name DNS:bank.example.com is not allowed by the"
        + " policy (permitted: [*.example.org])" + System.lineSeparator());
    assertThat(dir.resolve("evil.pem")).doesNotExist();
  }

  @Test
  void sign_refuses_a_wildcard_dns_name_in_a_client_certificate_unless_allowed() throws Exception {
    Path csr = csr("wild", "CN=wild", "dns:*.example.org");

    Run refused = sign(csr, "client", dir.resolve("wild.pem"));
    Run allowed = run("sign", "--dir", ca.toString(), "--password-file", password.toString(), "--csr", csr.toString(),
        "--profile", "client", "--allow-subject", "CN=*", "--allow-dns", "*.example.org", "--allow-wildcard-dns",
        "--out", dir.resolve("wild-allowed.pem").toString());

    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).isEqualTo("error: the client certificate would name the wildcard DNS:*.example.org;"
        + " wildcard names in client certificates need --allow-wildcard-dns" + System.lineSeparator());
    assertThat(allowed.exit()).as(allowed.err()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"spiffe://example.org/ns/../admin", "spiffe://example.org/ns/./x",
      "spiffe://example.org/ns//x", "spiffe://example.org/ns/%2e%2e/admin"})
  void refuses_a_uri_name_with_dot_or_empty_segments_or_escapes(String uri) throws Exception {
    Run issued = run("issue", "client", "--dir", ca.toString(), "--password-file", password.toString(), "--name",
        "dotty", "--subject", "CN=dotty", "--san", "uri:" + uri, "--out", dir.toString());

    assertThat(issued.exit()).isEqualTo(1);
    assertThat(issued.err()).isEqualTo("error: the URI " + uri + " has dot or empty path segments or an escaped '.',"
        + " '/' or '\\'; a URI must show the one path it names" + System.lineSeparator());
  }

  @Test
  void refuses_a_subject_or_alternative_name_equal_to_one_of_its_ca_names() throws Exception {
    Path named = dir.resolve("named-ca");
    Run init = run("init", "--dir", named.toString(), "--password-file", password.toString(), "--intermediate-subject",
        "CN=ca.example.org,O=Demo");
    assertThat(init.exit()).as(init.err()).isZero();

    Run sameCn = run("issue", "client", "--dir", named.toString(), "--password-file", password.toString(), "--name",
        "lookalike", "--subject", "CN=CA.example.org,OU=readers", "--out", dir.toString());
    Run sameSan = run("issue", "server", "--dir", named.toString(), "--password-file", password.toString(), "--name",
        "lookalike2", "--subject", "CN=web", "--san", "dns:ca.example.org", "--out", dir.toString());

    assertThat(sameCn.exit()).isEqualTo(1);
    assertThat(sameCn.err()).isEqualTo("error: the subject's CN 'ca.example.org' is the CN of a CA in this chain"
        + " (CN=ca.example.org,O=Demo); choose a name no CA has" + System.lineSeparator());
    assertThat(sameSan.exit()).isEqualTo(1);
    assertThat(sameSan.err()).isEqualTo("error: the subject alternative name DNS:ca.example.org is the name of a CA in"
        + " this chain (CN=ca.example.org,O=Demo)" + System.lineSeparator());
    assertThat(dir.resolve("lookalike.pem")).doesNotExist();
    assertThat(dir.resolve("lookalike2.pem")).doesNotExist();
  }

  @Test
  void sign_refuses_subject_attributes_the_policy_does_not_list() throws Exception {
    Path csr = csr("ops", "CN=opsbot,OU=ops", "dns:ops.example.org");

    Run signed = run("sign", "--dir", ca.toString(), "--password-file", password.toString(), "--csr", csr.toString(),
        "--profile", "client", "--allow-subject", "CN=*,OU=readers,OU=admins", "--allow-dns", "*.example.org",
        "--out", dir.resolve("ops.pem").toString());

    assertThat(signed.exit()).isEqualTo(1);
    assertThat(signed.err()).isEqualTo("error: subject attribute OU=ops is not allowed by the policy (allowed: CN=*,"
        + " OU=readers, OU=admins)" + System.lineSeparator());
  }

  @Test
  void sign_without_a_policy_says_so_on_stderr() throws Exception {
    Path csr = csr("open", "CN=open", "dns:open.example.org");

    Run signed = run("sign", "--dir", ca.toString(), "--password-file", password.toString(), "--csr", csr.toString(),
        "--profile", "server", "--out", dir.resolve("open.pem").toString());

    assertThat(signed.exit()).as(signed.err()).isZero();
    assertThat(signed.err()).isEqualTo("warning: signing with no name policy: any subject and names the CSR asks for"
        + " are certified; --allow-subject, --allow-dns, --allow-uri, ... restrict them" + System.lineSeparator());
  }
}
