package dev.mtls.pki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.Pem;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.peers.ExternalProcess.Result;
import dev.mtls.testing.peers.FreePort;
import dev.mtls.testing.peers.Peer;
import dev.mtls.testing.peers.RequiresPeer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The CLI as a user runs it: one line per failure, a non-zero exit, nothing overwritten by accident. */
class PkiCommandTest {
  /** One CA for the class, for the tests that only add to it. */
  @TempDir
  static Path shared;

  private static Path ca;
  private static Path password;

  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void createCa() throws Exception {
    ca = shared.resolve("ca");
    password = shared.resolve("pw.txt");
    Files.writeString(password, "correct horse\n");
    Run init = run("init", "--dir", ca.toString(), "--password-file", password.toString());
    assertThat(init.exit()).as(init.err()).isZero();
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = commandLine(out, err).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static CommandLine commandLine(StringWriter out, StringWriter err) {
    CommandLine commandLine = PkiCommand.commandLine(KeyEncryption.forTests());
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine;
  }

  private Run issueClient(String name, String subject) {
    return run("issue", "client", "--dir", ca.toString(), "--password-file", password.toString(), "--name", name,
        "--subject", subject, "--out", dir.toString(), "--out-password-file", password.toString());
  }

  @Test
  void init_writes_ca_keys_private_and_refuses_to_overwrite_an_existing_ca() throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.resolve("root.key")))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.resolve("intermediate.key")))).isEqualTo("rw-------");
    assertThat(Files.readString(ca.resolve("root.key"))).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    String rootBefore = Files.readString(ca.resolve("root.pem"));

    Run again = run("init", "--dir", ca.toString(), "--password-file", password.toString());

    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).isEqualTo("error: " + ca + ": a CA already exists here (root.pem); refusing to overwrite it. "
        + "Use another directory, or --force to replace it and orphan what it issued" + System.lineSeparator());
    assertThat(Files.readString(ca.resolve("root.pem"))).isEqualTo(rootBefore);
  }

  @Test
  void issue_client_writes_pem_chain_private_key_and_p12() throws Exception {
    Run issue = issueClient("alice", "CN=alice,OU=admins,O=example");

    assertThat(issue.exit()).as(issue.err()).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("alice.key")))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("alice.p12")))).isEqualTo("rw-------");
    List<X509Certificate> chain = Pem.loadCertificates(dir.resolve("alice-chain.pem"));
    assertThat(chain).hasSize(2);
    assertThat(chain.get(1)).isEqualTo(Pem.loadCertificates(ca.resolve("intermediate.pem")).get(0));
    Identity fromP12 = Identity.loadPkcs12(dir.resolve("alice.p12"), "correct horse".toCharArray(), null);
    assertThat(fromP12.certificate()).isEqualTo(chain.get(0));
    assertThat(fromP12.chain()).hasSize(2);
  }

  @Test
  void issue_refuses_to_overwrite_existing_key_files() throws Exception {
    issueClient("alice", "CN=alice");
    String keyBefore = Files.readString(dir.resolve("alice.key"));

    Run again = issueClient("alice", "CN=alice");

    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).startsWith("error: " + dir.resolve("alice.key") + ": already exists; refusing to overwrite it");
    assertThat(Files.readString(dir.resolve("alice.key"))).isEqualTo(keyBefore);
  }

  @Test
  void issue_with_unknown_profile_is_one_line_and_exit_1() {
    Run run = run("issue", "webserver", "--dir", ca.toString(), "--password-file", password.toString(), "--name", "x");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("error: unknown profile 'webserver'; expected server or client" + System.lineSeparator());
  }

  @Test
  void wrong_ca_password_is_one_line_naming_the_key_file() throws Exception {
    Path wrong = dir.resolve("wrong.txt");
    Files.writeString(wrong, "not it\n");

    Run run = run("issue", "client", "--dir", ca.toString(), "--password-file", wrong.toString(), "--name", "x",
        "--out", dir.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("error: " + ca.resolve("intermediate.key")
        + ": cannot decrypt the private key: wrong password?" + System.lineSeparator());
  }

  @Test
  void missing_file_and_wrong_file_type_are_one_line_errors() throws Exception {
    Run missing = run("inspect", dir.resolve("nothere.pem").toString());
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).isEqualTo("error: " + dir.resolve("nothere.pem") + ": file not found" + System.lineSeparator());

    issueClient("alice", "CN=alice");
    Run keyAsCertificate = run("verify", "--ca-file", ca.resolve("root.pem").toString(), dir.resolve("alice.key").toString());
    assertThat(keyAsCertificate.exit()).isEqualTo(1);
    assertThat(keyAsCertificate.err()).isEqualTo("error: " + dir.resolve("alice.key")
        + ": expected only certificates but found a private key; a certificate file holds BEGIN CERTIFICATE blocks"
        + System.lineSeparator());
  }

  @Test
  void usage_errors_exit_2() {
    assertThat(run("issue", "client").exit()).isEqualTo(2);
    assertThat(run().exit()).isEqualTo(2);
    assertThat(run("frobnicate").exit()).isEqualTo(2);
  }

  @Test
  void password_is_not_accepted_as_a_plain_argument() {
    Run run = run("init", "--dir", dir.resolve("other").toString(), "--password", "secret");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("Unknown options: '--password', 'secret'");
  }

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
  void sign_refuses_a_name_outside_the_policy() throws Exception {
    Path csr = dir.resolve("evil.csr");
    run("csr", "--key", dir.resolve("evil.key").toString(), "--subject", "CN=evil", "--san", "dns:bank.example.com",
        "--out", csr.toString());

    Run signed = run("sign", "--dir", ca.toString(), "--password-file", password.toString(), "--csr", csr.toString(),
        "--profile", "server", "--allow-subject", "CN=*", "--allow-dns", "*.example.org", "--out",
        dir.resolve("evil.pem").toString());

    assertThat(signed.exit()).isEqualTo(1);
    assertThat(signed.err()).isEqualTo("error: subject alternative name DNS:bank.example.com is not allowed by the policy "
        + "(permitted: [*.example.org])" + System.lineSeparator());
    assertThat(dir.resolve("evil.pem")).doesNotExist();
  }

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
    Run twice = run("revoke", "--dir", ca.toString(), "--password-file", password.toString(), "--serial", serial.toString(16));
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

  @Test
  void list_expiring_within_shows_only_certificates_ending_in_the_window() throws Exception {
    run("issue", "client", "--dir", ca.toString(), "--password-file", password.toString(), "--name", "short",
        "--days", "5", "--out", dir.toString());
    run("issue", "client", "--dir", ca.toString(), "--password-file", password.toString(), "--name", "long",
        "--days", "60", "--out", dir.toString());

    Run list = run("list", "--dir", ca.toString(), "--expiring-within", "10");

    assertThat(list.out()).contains("CN=short").doesNotContain("CN=long");
  }

  @Test
  void inspect_shows_the_fields_a_learner_looks_for() {
    issueClient("alice", "CN=alice,OU=admins,O=example");

    Run inspect = run("inspect", dir.resolve("alice.pem").toString());

    assertThat(inspect.exit()).isZero();
    assertThat(inspect.out()).contains("Subject:             CN=alice,OU=admins,O=example",
        "Issuer:              CN=mtls-reference Issuing CA,O=mtls-reference", "days left)", "Public key:          EC P-256",
        "Key usage:           digitalSignature (critical)", "Extended key usage:  clientAuth", "SHA-256 fingerprint:",
        "Authority key id:", "Subject key id:", "Serial:");
  }

  @Test
  void init_names_the_issuing_cas_crl_in_leaves_and_the_roots_crl_in_the_intermediate() throws Exception {
    Path located = locatedCa("located-ca");
    Run issue = run("issue", "client", "--dir", located.toString(), "--password-file", password.toString(), "--name",
        "dora", "--subject", "CN=dora", "--out", dir.toString());
    assertThat(issue.exit()).as(issue.err()).isZero();

    Run leaf = run("inspect", dir.resolve("dora.pem").toString());
    Run intermediate = run("inspect", located.resolve("intermediate.pem").toString());

    assertThat(leaf.out()).contains("CRL distribution:    http://127.0.0.1:8081/crl/issuing.crl",
        "OCSP responder:      http://127.0.0.1:8081/ocsp").doesNotContain("root.crl");
    assertThat(intermediate.out()).contains("CRL distribution:    http://127.0.0.1:8081/crl/root.crl")
        .doesNotContain("issuing.crl").doesNotContain("OCSP responder");
    assertThat(run("inspect", located.resolve("root.pem").toString()).out()).doesNotContain("CRL distribution");
    assertThat(Files.readString(located.resolve("crl-url"))).isEqualTo("http://127.0.0.1:8081/crl/issuing.crl\n");
    assertThat(Files.readString(located.resolve("root-crl-url"))).isEqualTo("http://127.0.0.1:8081/crl/root.crl\n");
    assertThat(Files.readString(located.resolve("ocsp-url"))).isEqualTo("http://127.0.0.1:8081/ocsp\n");
  }

  @Test
  void crl_url_alone_names_no_distribution_point_in_the_intermediate() {
    Path leavesOnly = dir.resolve("leaves-only-ca");
    Run init = run("init", "--dir", leavesOnly.toString(), "--password-file", password.toString(), "--crl-url",
        "http://pki.example.org/issuing.crl");

    assertThat(init.exit()).as(init.err()).isZero();
    assertThat(run("inspect", leavesOnly.resolve("intermediate.pem").toString()).out())
        .doesNotContain("CRL distribution");
    assertThat(leavesOnly.resolve("root-crl-url")).doesNotExist();
  }

  @Test
  void init_force_forgets_the_urls_of_the_ca_it_replaces() {
    Path replaced = locatedCa("replaced-ca");

    Run again = run("init", "--dir", replaced.toString(), "--password-file", password.toString(), "--force");
    Run issue = run("issue", "client", "--dir", replaced.toString(), "--password-file", password.toString(),
        "--name", "fred", "--subject", "CN=fred", "--out", dir.toString());

    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(issue.exit()).as(issue.err()).isZero();
    assertThat(replaced.resolve("crl-url")).doesNotExist();
    assertThat(replaced.resolve("root-crl-url")).doesNotExist();
    assertThat(replaced.resolve("ocsp-url")).doesNotExist();
    assertThat(run("inspect", dir.resolve("fred.pem").toString()).out())
        .doesNotContain("CRL distribution").doesNotContain("OCSP responder");
  }

  @Test
  void issue_sign_and_renew_name_the_urls_given_for_that_one_certificate_instead_of_the_cas() throws Exception {
    Path located = locatedCa("overridden-ca");
    String[] ca = {"--dir", located.toString(), "--password-file", password.toString()};
    String[] elsewhere = {"--crl-url", "https://crl.example.org/issuing.crl", "--ocsp-url",
        "https://ocsp.example.org/"};
    Path csr = csr("signed", "CN=signed", "dns:signed.example.org");

    Run issued = run(concat(new String[] {"issue", "client", "--name", "gina", "--subject", "CN=gina", "--out",
        dir.toString()}, ca, elsewhere));
    Run signed = run(concat(new String[] {"sign", "--csr", csr.toString(), "--profile", "client", "--out",
        dir.resolve("signed.pem").toString()}, ca, elsewhere));
    Run plain = run(concat(new String[] {"issue", "client", "--name", "hugo", "--subject", "CN=hugo", "--out",
        dir.toString()}, ca));
    String hugoSerial = Pem.loadCertificates(dir.resolve("hugo.pem")).get(0).getSerialNumber().toString(16);
    Run renewed = run(concat(new String[] {"renew", "--serial", hugoSerial, "--name", "hugo2", "--out",
        dir.toString()}, ca, elsewhere));

    assertThat(List.of(issued, signed, plain, renewed)).allSatisfy(r -> assertThat(r.exit()).as(r.err()).isZero());
    for (String overridden : List.of("gina.pem", "signed.pem", "hugo2.pem")) {
      assertThat(run("inspect", dir.resolve(overridden).toString()).out()).as(overridden)
          .contains("CRL distribution:    https://crl.example.org/issuing.crl",
              "OCSP responder:      https://ocsp.example.org/")
          .doesNotContain("127.0.0.1");
    }
    assertThat(run("inspect", dir.resolve("hugo.pem").toString()).out())
        .contains("CRL distribution:    http://127.0.0.1:8081/crl/issuing.crl",
            "OCSP responder:      http://127.0.0.1:8081/ocsp");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ldap://ldap.example.org/cn=crl", "file:///tmp/issuing.crl", "/crl/issuing.crl",
      "http//127.0.0.1/crl", "http:///crl", "127.0.0.1:8081/ocsp", "http://bad host/crl"})
  void a_url_that_is_not_absolute_http_or_https_is_a_usage_error_naming_the_option(String url) {
    Path refused = dir.resolve("refused-ca");

    Run init = run("init", "--dir", refused.toString(), "--password-file", password.toString(), "--root-crl-url",
        url);
    Run issue = run("issue", "client", "--dir", ca.toString(), "--password-file", password.toString(), "--name",
        "ivan", "--subject", "CN=ivan", "--out", dir.toString(), "--ocsp-url", url);

    String expected = "'" + url + "' is not an absolute http or https URL, such as"
        + " http://127.0.0.1:8081/crl/issuing.crl" + System.lineSeparator();
    assertThat(init.exit()).isEqualTo(2);
    assertThat(init.err()).startsWith("Invalid value for option '--root-crl-url': " + expected);
    assertThat(issue.exit()).isEqualTo(2);
    assertThat(issue.err()).startsWith("Invalid value for option '--ocsp-url': " + expected);
    assertThat(refused).doesNotExist();
    assertThat(dir.resolve("ivan.pem")).doesNotExist();
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void serve_publishes_the_status_the_urls_in_a_cas_certificates_point_at_until_stopped() throws Exception {
    int port = FreePort.pick();
    String base = "http://127.0.0.1:" + port;
    Path served = dir.resolve("served-ca");
    Run init = run("init", "--dir", served.toString(), "--password-file", password.toString(), "--crl-url",
        base + "/crl/issuing.crl", "--root-crl-url", base + "/crl/root.crl", "--ocsp-url", base + "/ocsp");
    assertThat(init.exit()).as(init.err()).isZero();
    run("issue", "client", "--dir", served.toString(), "--password-file", password.toString(), "--name", "dora",
        "--subject", "CN=dora", "--out", dir.toString());
    String root = served.resolve("root.pem").toString();
    String intermediate = served.resolve("intermediate.pem").toString();
    String ocspUrl = Peer.OPENSSL.run(dir, "x509", "-in", "dora.pem", "-noout", "-ocsp_uri").output().strip();

    try (Served serve = new Served("serve", "--dir", served.toString(), "--password-file", password.toString(),
        "--port", String.valueOf(port))) {
      String printed = serve.awaitOutput("root CA CRL:");
      // openssl fetches each CRL from the distribution point the checked certificate names.
      Result leafGood = Peer.OPENSSL.run(dir, "verify", "-crl_check", "-crl_download", "-CAfile", root, "-untrusted",
          intermediate, "dora.pem");
      Result intermediateGood = Peer.OPENSSL.run(dir, "verify", "-crl_check", "-crl_download", "-CAfile", root, intermediate);
      Run revoke = run("revoke", "--dir", served.toString(), "--password-file", password.toString(), "--serial",
          Pem.loadCertificates(dir.resolve("dora.pem")).get(0).getSerialNumber().toString(16));
      Result leafRevoked = Peer.OPENSSL.run(dir, "verify", "-crl_check", "-crl_download", "-CAfile", root, "-untrusted",
          intermediate, "dora.pem");
      Result ocsp = Peer.OPENSSL.run(dir, "ocsp", "-issuer", intermediate, "-cert", "dora.pem", "-url", ocspUrl, "-CAfile",
          served.resolve("ca-chain.pem").toString());

      assertThat(printed).contains("OCSP responder:  " + base + "/ocsp", "issuing CA CRL:  " + base
          + "/crl/issuing.crl", "root CA CRL:     " + base + "/crl/root.crl");
      assertThat(ocspUrl).isEqualTo(base + "/ocsp");
      assertThat(leafGood.output()).as(leafGood.toString()).isEqualTo("dora.pem: OK\n");
      assertThat(intermediateGood.output()).as(intermediateGood.toString()).isEqualTo(intermediate + ": OK\n");
      assertThat(revoke.exit()).as(revoke.err()).isZero();
      assertThat(leafRevoked.exitCode()).isNotZero();
      assertThat(leafRevoked.output()).contains("certificate revoked");
      assertThat(ocsp.output()).as(ocsp.toString()).contains("Response verify OK", "dora.pem: revoked");
      assertThat(serve.exit).isEqualTo(-1);
    }
    assertThat(Pem.loadCrls(served.resolve("crl.pem"))).hasSize(2);
  }

  @Test
  void serve_says_in_one_line_that_its_port_is_taken_or_a_validity_is_not_positive() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Run inUse = run("serve", "--dir", ca.toString(), "--password-file", password.toString(), "--port",
          String.valueOf(taken.getLocalPort()));
      Run zero = run("serve", "--dir", ca.toString(), "--password-file", password.toString(), "--crl-validity",
          "0");

      assertThat(inUse.exit()).isEqualTo(1);
      assertThat(inUse.err()).isEqualTo("error: 127.0.0.1:" + taken.getLocalPort() + ": cannot listen: Address"
          + " already in use" + System.lineSeparator());
      assertThat(zero.exit()).isEqualTo(1);
      assertThat(zero.err()).isEqualTo("error: --crl-validity must be positive, got 0" + System.lineSeparator());
    }
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void ocsp_answers_for_the_issuing_ca_at_every_path_until_stopped() throws Exception {
    Path answering = dir.resolve("ocsp-ca");
    assertThat(run("init", "--dir", answering.toString(), "--password-file", password.toString()).exit()).isZero();
    run("issue", "client", "--dir", answering.toString(), "--password-file", password.toString(), "--name", "erin",
        "--subject", "CN=erin", "--out", dir.toString());
    int port = FreePort.pick();

    try (Served ocsp = new Served("ocsp", "--dir", answering.toString(), "--password-file", password.toString(),
        "--port", String.valueOf(port))) {
      String printed = ocsp.awaitOutput("OCSP responder for");
      Result good = Peer.OPENSSL.run(dir, "ocsp", "-issuer", answering.resolve("intermediate.pem").toString(),
          "-cert", "erin.pem", "-url", "http://127.0.0.1:" + port + "/any/path", "-CAfile",
          answering.resolve("ca-chain.pem").toString());

      assertThat(printed).matches("OCSP responder for CN=mtls-reference Issuing CA,O=mtls-reference on http://127"
          + ".0.0.1:" + port + "/ \\(signer serial \\p{XDigit}+, valid until \\S+\\)\\R");
      assertThat(good.output()).as(good.toString()).contains("Response verify OK", "erin.pem: good");
    }
    assertThat(answering.resolve("ocsp-signer.pem")).exists();
  }

  @Test
  void ocsp_refuses_a_validity_that_is_not_positive_in_one_line() {
    Run zero = run("ocsp", "--dir", ca.toString(), "--password-file", password.toString(), "--validity", "0");

    assertThat(zero.exit()).isEqualTo(1);
    assertThat(zero.err()).isEqualTo("error: --validity must be positive, got 0" + System.lineSeparator());
  }

  /**
   * A command that serves ({@code serve}, {@code ocsp}) as a user runs it, on a thread of its own; closing interrupts
   * it, as Ctrl-C stops the JVM.
   */
  private static final class Served implements AutoCloseable {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final Thread thread;
    private volatile int exit = -1;

    Served(String... args) {
      CommandLine commandLine = commandLine(out, err);
      thread = new Thread(() -> exit = commandLine.execute(args), "pki-" + args[0] + "-under-test");
      thread.start();
    }

    /** What it printed once {@code marker} is in it; fails at once if the command ended without printing it. */
    String awaitOutput(String marker) {
      return Eventually.within(Duration.ofSeconds(30)).await("the command to print '" + marker + "'", () -> {
        if (!thread.isAlive() && !out.toString().contains(marker)) {
          throw new AssertionError("the command ended without printing '" + marker + "': exit " + exit + "\n" + out
              + err);
        }
        return out.toString();
      }, printed -> printed.contains(marker));
    }

    @Override
    public void close() throws InterruptedException {
      thread.interrupt();
      thread.join(10_000);
      assertThat(thread.isAlive()).as("serve still running").isFalse();
      assertThat(exit).as(err.toString()).isZero();
    }
  }

  /** A CA whose certificates point at {@code serve --port 8081}, as init's help shows. */
  private Path locatedCa(String name) {
    Path located = dir.resolve(name);
    Run init = run("init", "--dir", located.toString(), "--password-file", password.toString(),
        "--crl-url", "http://127.0.0.1:8081/crl/issuing.crl", "--root-crl-url", "http://127.0.0.1:8081/crl/root.crl",
        "--ocsp-url", "http://127.0.0.1:8081/ocsp");
    assertThat(init.exit()).as(init.err()).isZero();
    return located;
  }

  private static String[] concat(String[]... parts) {
    return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
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
  void verify_with_crls_needs_a_crl_from_every_ca_in_the_path_unless_told_otherwise() throws Exception {
    issueClient("alice", "CN=alice");
    run("crl", "--dir", ca.toString(), "--password-file", password.toString());
    List<X509CRL> published = Pem.loadCrls(ca.resolve("crl.pem"));
    Path issuingOnly = Files.writeString(dir.resolve("issuing-crl.pem"), Pem.encode(published.get(0)));
    String root = ca.resolve("root.pem").toString();
    String chain = dir.resolve("alice-chain.pem").toString();

    Run both = run("verify", "--ca-file", root, "--crl", ca.resolve("crl.pem").toString(), "--purpose", "client", chain);
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

    Run again = run("demo", "--out", out.toString());
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).startsWith("error: " + out + ": exists and is not empty; refusing to overwrite it.");
  }

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
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("svc.p12")))).isEqualTo("rw-------");
  }

  @Test
  void p12_refuses_a_key_that_does_not_belong_to_the_certificate() throws Exception {
    issueClient("alice", "CN=alice");
    issueClient("bob", "CN=bob");

    Run run = run("p12", "--cert", dir.resolve("alice-chain.pem").toString(), "--key", dir.resolve("bob.key").toString(),
        "--out", dir.resolve("mixed.p12").toString(), "--out-password-file", password.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("error: " + dir.resolve("alice-chain.pem") + " with key " + dir.resolve("bob.key")
        + ": the private key does not match the certificate CN=alice" + System.lineSeparator());
    assertThat(dir.resolve("mixed.p12")).doesNotExist();
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

  private Path csr(String name, String subject, String san) {
    Path csr = dir.resolve(name + ".csr");
    Run made = run("csr", "--key", dir.resolve(name + ".key").toString(), "--subject", subject, "--san", san,
        "--out", csr.toString());
    assertThat(made.exit()).as(made.err()).isZero();
    return csr;
  }

  /** Signs under a policy: any CN, DNS names under example.org. */
  private static Run sign(Path csr, String profile, Path out) {
    return run("sign", "--dir", ca.toString(), "--password-file", password.toString(), "--csr", csr.toString(),
        "--profile", profile, "--allow-subject", "CN=*", "--allow-dns", "*.example.org", "--out", out.toString());
  }
}
