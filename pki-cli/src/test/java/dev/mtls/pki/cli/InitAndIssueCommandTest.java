package dev.mtls.pki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.IndexEntry;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code pki init} and {@code pki issue} as a user runs them: keys written private, nothing overwritten by accident,
 * and each mistake (a wrong password, an unknown profile, a missing file, bad usage) one line and a non-zero exit.
 */
class InitAndIssueCommandTest extends PkiCliTestBase {
  @Test
  void init_writes_ca_keys_private_and_refuses_to_overwrite_an_existing_ca() throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.resolve("root.key"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.resolve("intermediate.key"))))
        .isEqualTo("rw-------");
    assertThat(Files.readString(ca.resolve("root.key"))).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    String rootBefore = Files.readString(ca.resolve("root.pem"));

    Run again = run("init", "--dir", ca.toString(), "--password-file", password.toString());

    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).isEqualTo("error: " + ca + ": a CA already exists here (root.pem); refusing to overwrite"
        + " it. Use another directory, or --force to replace it and orphan what it issued" + System.lineSeparator());
    assertThat(Files.readString(ca.resolve("root.pem"))).isEqualTo(rootBefore);
  }

  @Test
  void issue_client_writes_pem_chain_private_key_and_p12() throws Exception {
    Run issue = issueClient("alice", "CN=alice,OU=admins,O=example");

    assertThat(issue.exit()).as(issue.err()).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("alice.key"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("alice.p12"))))
        .isEqualTo("rw-------");
    List<X509Certificate> chain = Pem.loadCertificates(dir.resolve("alice-chain.pem"));
    assertThat(chain).hasSize(2);
    assertThat(chain.get(1)).isEqualTo(Pem.loadCertificates(ca.resolve("intermediate.pem")).get(0));
    Identity fromP12 = Identity.loadPkcs12(dir.resolve("alice.p12"), "correct horse".toCharArray(), null);
    assertThat(fromP12.certificate()).isEqualTo(chain.get(0));
    assertThat(fromP12.chain()).hasSize(2);
  }

  @Test
  void issue_a_second_time_refuses_before_issuing_names_the_file_and_records_nothing() throws Exception {
    issueClient("alice", "CN=alice");
    String keyBefore = Files.readString(dir.resolve("alice.key"));
    List<IndexEntry> before = recorded();

    Run again = issueClient("alice", "CN=alice");

    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.out()).isEmpty();
    assertThat(again.err()).isEqualTo("error: " + dir.resolve("alice.key") + ": already exists; nothing was issued."
        + " Choose another name or directory, or --force to overwrite it" + System.lineSeparator());
    assertThat(Files.readString(dir.resolve("alice.key"))).isEqualTo(keyBefore);
    assertThat(recorded()).isEqualTo(before);
  }

  @Test
  void issue_that_cannot_write_one_file_takes_back_the_others_and_records_nothing() throws Exception {
    Files.createDirectories(dir.resolve("web-chain.pem/in-the-way"));
    List<IndexEntry> before = recorded();

    Run issue = run("issue", "server", "--dir", ca.toString(), "--password-file", password.toString(), "--name", "web",
        "--san", "dns:web.example.org", "--out", dir.toString(), "--force");

    assertThat(issue.exit()).isEqualTo(1);
    assertThat(issue.err()).startsWith("error: " + dir.resolve("web-chain.pem") + ": cannot write");
    assertThat(dir.resolve("web.key")).doesNotExist();
    assertThat(dir.resolve("web.pem")).doesNotExist();
    assertThat(recorded()).isEqualTo(before);
  }

  @Test
  void issue_with_unknown_profile_is_one_line_and_exit_1() {
    Run run = run("issue", "webserver", "--dir", ca.toString(), "--password-file", password.toString(), "--name", "x");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo("error: unknown profile 'webserver'; expected server or client" + System.lineSeparator());
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
    assertThat(missing.err())
        .isEqualTo("error: " + dir.resolve("nothere.pem") + ": file not found" + System.lineSeparator());

    issueClient("alice", "CN=alice");
    Run keyAsCertificate = run("verify", "--ca-file", ca.resolve("root.pem").toString(),
        dir.resolve("alice.key").toString());
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
}
