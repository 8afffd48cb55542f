package dev.mtls.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.mtls.pki.material.trust.Reason;
import dev.mtls.server.Rejection;
import dev.mtls.testing.peers.ExternalProcess;
import dev.mtls.testing.peers.ExternalProcess.Result;
import dev.mtls.testing.peers.Peer;
import dev.mtls.testing.peers.RequiresPeer;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.pki.CastFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real browser as a client of our server: headless Chromium with alice's PKCS#12 imported into an NSS database
 * (the certificate store Chromium uses on Linux), opening the server's HTML page over HTTP/2. The screenshot stays in
 * {@code e2e-tests/target/chromium-whoami.png}.
 *
 * <p>Without a policy, Chromium asks the user to pick a certificate and headless Chromium waits forever. The
 * managed policy {@code AutoSelectCertificateForUrls} (a JSON file under {@code /etc/chromium/policies/managed/})
 * makes it choose on its own for our URL; the test writes a file of its own there and removes it afterwards.
 */
@RequiresPeer({Peer.CHROMIUM, Peer.CERTUTIL, Peer.PK12UTIL})
class ChromiumPeerTest {
  private static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);
  private static final Path POLICY_DIR = Path.of("/etc/chromium/policies/managed");
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  @TempDir
  static Path dir;

  private static String chromium;
  private static String certutil;
  private static String pk12util;
  private static CastFiles pki;
  private static RunningServer server;
  private static Path policy;

  @BeforeAll
  static void startServerAndAllowCertificateSelection() throws IOException {
    chromium = Peer.CHROMIUM.path();
    certutil = Peer.CERTUTIL.path();
    pk12util = Peer.PK12UTIL.path();
    pki = Cast.create().writeTo(dir.resolve("pki"));
    server = RunningServer.start(pki, dir.resolve("server"));
    policy = POLICY_DIR.resolve("mtls-e2e-" + ProcessHandle.current().pid() + "-" + server.port() + ".json");
    // The value is a list of strings, each itself JSON: {"pattern": URL pattern, "filter": {}} (any certificate).
    String rule = "{\\\"pattern\\\":\\\"https://localhost:" + server.port() + "\\\",\\\"filter\\\":{}}";
    try {
      Files.createDirectories(POLICY_DIR);
      Files.writeString(policy, "{\"AutoSelectCertificateForUrls\":[\"" + rule + "\"]}\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      fail("cannot write the Chromium policy " + policy + " (" + e + "); headless Chromium needs it to choose a"
          + " client certificate. Run the tests as a user who may write " + POLICY_DIR + " (CI runs as root).");
    }
  }

  @AfterAll
  static void removePolicyAndStopServer() throws IOException {
    try {
      if (policy != null) {
        Files.deleteIfExists(policy);
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  @BeforeEach
  void forgetEarlierRejections() {
    server.clearLogs();
  }

  @Test
  void browser_with_admin_pkcs12_sees_her_identity_and_role_on_the_page() throws IOException {
    Path home = nssHome("alice-home", true);

    Result result = browser(home, "--dump-dom", server.url("/").toString());

    assertThat(result.exitCode()).as(result.describe()).isZero();
    assertThat(result.stdout())
        .contains("<title>Who am I? (mTLS)</title>")
        .contains("<h1>Your client certificate</h1>")
        .contains("<tr><th>Subject</th><td>CN=alice,OU=admins," + Cast.ORG + "</td></tr>")
        .contains("<tr><th>&nbsp;&nbsp;OU</th><td>admins</td></tr>")
        .contains("<tr><th>Issuer</th><td>" + Cast.ISSUING_DN + "</td></tr>")
        .contains("<tr><th>Serial</th><td>" + pki.get("alice").x509().getSerialNumber().toString(16) + "</td></tr>")
        .contains("<tr><th>Roles</th><td>admin</td></tr>");
    assertThat(server.rejections()).isEmpty();
    // Chromium asks for h2 by ALPN, and the server's default is to agree.
    assertThat(server.awaitRequest("GET", "/", "CN=alice").protocol()).isEqualTo("HTTP/2");

    Path screenshot = Artifacts.basedir().resolve("target/chromium-whoami.png");
    Files.createDirectories(screenshot.getParent());
    Files.deleteIfExists(screenshot);
    Result shot = browser(home, "--screenshot=" + screenshot, "--window-size=1200,900", server.url("/").toString());

    assertThat(shot.exitCode()).as(shot.describe()).isZero();
    assertThat(screenshot).isRegularFile();
    byte[] png = Files.readAllBytes(screenshot);
    assertThat(Arrays.copyOf(png, PNG_SIGNATURE.length)).as("PNG signature").isEqualTo(PNG_SIGNATURE);
    // A blank or error page renders to a few KB; the table of alice's certificate to tens of KB.
    assertThat(png.length).as("screenshot size in bytes").isGreaterThan(15_000);
  }

  @Test
  void browser_without_client_certificate_gets_no_page_and_the_server_says_why() throws IOException {
    Path home = nssHome("empty-home", false);

    Result result = browser(home, "--dump-dom", server.url("/").toString());

    // Chromium trusts our server but has no certificate to send: our server refuses the handshake, so there is
    // no document to dump.
    assertThat(result.stdout()).doesNotContain("Your client certificate").doesNotContain("CN=alice");
    assertThat(server.awaitRejection(Reason.NO_CERTIFICATE).stage()).isEqualTo(Rejection.Stage.HANDSHAKE);
  }

  /**
   * A HOME whose NSS database ({@code .pki/nssdb}, where Chromium on Linux keeps certificates) trusts our root
   * for TLS servers and, with {@code withAlice}, holds alice's PKCS#12 (leaf, intermediate and key).
   */
  private static Path nssHome(String name, boolean withAlice) throws IOException {
    Path home = Files.createDirectories(dir.resolve(name));
    Path nssdb = Files.createDirectories(home.resolve(".pki/nssdb"));
    String db = "sql:" + nssdb;
    nss(List.of(certutil, "-d", db, "-N", "--empty-password"));
    nss(List.of(certutil, "-d", db, "-A", "-t", "C,,", "-n", "e2e root", "-i", pki.rootPem().toString()));
    if (withAlice) {
      // -w FILE: the PKCS#12 password from a file, not the command line.
      nss(List.of(pk12util, "-d", db, "-i", pki.get("alice").pkcs12().toString(),
          "-w", pki.passwordFile().toString()));
      Result list = nss(List.of(certutil, "-d", db, "-L"));
      assertThat(list.stdout()).containsPattern("(?m)^alice\\s+u,u,u\\s*$");
    }
    return home;
  }

  private static Result nss(List<String> command) {
    Result result = ExternalProcess.run(command, TOOL_TIMEOUT);
    assertThat(result.exitCode()).as(result.describe()).isZero();
    return result;
  }

  /** Headless Chromium with HOME (and so the NSS database) in {@code home} and a fresh profile. */
  private static Result browser(Path home, String... arguments) throws IOException {
    Path profile = Files.createTempDirectory(dir, "chromium-profile-");
    List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile));
    command.addAll(List.of(arguments));
    return ExternalProcess.run(command, Map.of("HOME", home.toString()), null, BROWSER_TIMEOUT);
  }
}
