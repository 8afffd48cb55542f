package dev.mtls.pki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.IndexEntry;
import dev.mtls.pki.material.KeyEncryption;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What the CLI's tests share: the CLI run in-process as a user runs it, one CA per test class made with
 * {@code pki init}, and a directory of each test's own. One instance per class holds that class's CA, so no static
 * field is shared between classes.
 */
@TestInstance(Lifecycle.PER_CLASS)
abstract class PkiCliTestBase {
  /** One CA for the class, for the tests that only add to it. */
  Path ca;
  /** The file with the password of {@link #ca}'s keys, also used for the keys the tests write. */
  Path password;
  /** A directory of the test's own, empty when it starts. */
  Path dir;

  record Run(int exit, String out, String err) {}

  @BeforeAll
  void createCa(@TempDir Path shared) throws Exception {
    ca = shared.resolve("ca");
    password = shared.resolve("pw.txt");
    Files.writeString(password, "correct horse\n");
    Run init = run("init", "--dir", ca.toString(), "--password-file", password.toString());
    assertThat(init.exit()).as(init.err()).isZero();
  }

  @BeforeEach
  void createDir(@TempDir Path dir) {
    this.dir = dir;
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = commandLine(out, err).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  static CommandLine commandLine(StringWriter out, StringWriter err) {
    CommandLine commandLine = PkiCommand.commandLine(KeyEncryption.forTests());
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine;
  }

  Run issueClient(String name, String subject) {
    return run("issue", "client", "--dir", ca.toString(), "--password-file", password.toString(), "--name", name,
        "--subject", subject, "--out", dir.toString(), "--out-password-file", password.toString());
  }

  Path csr(String name, String subject, String san) {
    Path csr = dir.resolve(name + ".csr");
    Run made = run("csr", "--key", dir.resolve(name + ".key").toString(), "--subject", subject, "--san", san,
        "--out", csr.toString());
    assertThat(made.exit()).as(made.err()).isZero();
    return csr;
  }

  /** What {@link #ca}'s index lists, as {@code list} shows it. */
  List<IndexEntry> recorded() {
    try (CaDirectory directory = CaDirectory.open(ca, null, Clock.systemUTC())) {
      return directory.entries();
    }
  }

  /** Signs under a policy: any CN, DNS names under example.org. */
  Run sign(Path csr, String profile, Path out) {
    return run("sign", "--dir", ca.toString(), "--password-file", password.toString(), "--csr", csr.toString(),
        "--profile", profile, "--allow-subject", "CN=*", "--allow-dns", "*.example.org", "--out", out.toString());
  }
}
