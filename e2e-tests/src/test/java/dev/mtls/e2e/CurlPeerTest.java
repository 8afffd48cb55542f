package dev.mtls.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.trust.Reason;
import dev.mtls.testing.peers.ExternalProcess;
import dev.mtls.testing.peers.ExternalProcess.Result;
import dev.mtls.testing.peers.Peer;
import dev.mtls.testing.peers.RequiresPeer;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.pki.CastFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * curl (OpenSSL underneath) as a client of our server, with the example role and route rules. curl always
 * verifies our server here ({@code --cacert} with our root, never {@code -k}): a test that switches verification
 * off proves nothing about the server's certificate.
 *
 * <p>Identities are given to curl as PEM (certificate chain + key), the form curl documents first. For the
 * PKCS#12 case the password goes to curl as a config line on its standard input ({@code -K -}), never as a
 * command-line argument, where {@code --cert file.p12:password} would put it (visible in {@code ps}).
 */
@RequiresPeer(Peer.CURL)
class CurlPeerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir
  static Path dir;

  private static String curl;
  private static CastFiles pki;
  private static RunningServer server;

  @BeforeAll
  static void startServer() {
    curl = Peer.CURL.path();
    pki = Cast.create().writeTo(dir.resolve("pki"));
    server = RunningServer.start(pki, dir.resolve("server"));
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void forgetEarlierRejections() {
    server.clearLogs();
  }

  @Test
  void admin_with_pem_identity_is_allowed_on_the_admin_route() {
    Result result = curl(pem("alice"), "-X", "POST", server.url("/api/admin/reload").toString());

    assertThat(result.exitCode()).as(result.describe()).isZero();
    assertThat(status(result)).isEqualTo("200");
    assertThat(body(result)).isEqualTo("{\"applied\":[],\"refused\":[]}\n");
  }

  @Test
  void admin_sees_her_identity_and_role_in_whoami() {
    Result result = curl(pem("alice"), server.url("/whoami").toString());

    assertThat(status(result)).as(result.describe()).isEqualTo("200");
    assertThat(body(result))
        .startsWith("{\"subject\":\"CN=alice,OU=admins," + Cast.ORG + "\"")
        .contains("\"issuer\":\"" + Cast.ISSUING_DN + "\"")
        .contains("\"serial\":\"" + pki.get("alice").x509().getSerialNumber().toString(16) + "\"")
        .contains("\"roles\":[\"admin\"]");
  }

  @Test
  void reader_is_forbidden_on_the_admin_route_and_told_why() {
    Result result = curl(pem("bob"), "-X", "POST", server.url("/api/admin/reload").toString());

    assertThat(status(result)).as(result.describe()).isEqualTo("403");
    assertThat(body(result))
        .contains("\"message\":\"your certificate does not hold a role that POST /api/admin/reload requires\"")
        .contains("\"subject\":\"CN=bob,OU=readers," + Cast.ORG + "\"")
        .contains("\"requiredRoles\":[\"admin\"],\"yourRoles\":[\"reader\"]");
  }

  @Test
  void reader_is_allowed_on_a_reader_route() {
    Result result = curl(pem("bob"), server.url("/api/reports").toString());

    assertThat(status(result)).as(result.describe()).isEqualTo("200");
    assertThat(body(result)).startsWith("{\"requestedBy\":\"CN=bob,OU=readers," + Cast.ORG + "\"");
  }

  @Test
  void pkcs12_identity_with_password_on_stdin_is_accepted() {
    List<String> identity = List.of("--cert-type", "P12", "--cert", pki.get("alice").pkcs12().toString());
    String config = "pass = \"" + CastFiles.PASSWORD + "\"\n";

    Result result = curlWithConfig(config, identity, server.url("/whoami").toString());

    assertThat(status(result)).as(result.describe()).isEqualTo("200");
    assertThat(body(result)).contains("\"subject\":\"CN=alice,OU=admins," + Cast.ORG + "\"")
        .contains("\"roles\":[\"admin\"]");
  }

  @Test
  void pkcs12_identity_with_wrong_password_fails_in_curl_before_connecting() {
    List<String> identity = List.of("--cert-type", "P12", "--cert", pki.get("alice").pkcs12().toString());

    Result result = curlWithConfig("pass = \"not-the-password\"\n", identity, server.url("/whoami").toString());

    // CURLE_SSL_CERTPROBLEM: curl could not use its own certificate.
    assertThat(result.exitCode()).as(result.describe()).isEqualTo(58);
    assertThat(result.stderr()).contains("could not parse PKCS12 file, check password").contains("mac verify failure");
    assertThat(server.rejections()).isEmpty();
  }

  @Test
  void client_without_certificate_is_refused_on_tls13() {
    Result result = curl(List.of("--tlsv1.3"), server.url("/whoami").toString());

    // On TLS 1.3 curl finishes its side of the handshake first. Usually it sees the server's alert on its first
    // read (CURLE_RECV_ERROR, 56); on a busy machine the server may already have closed the socket while curl was
    // still sending its request (CURLE_SEND_ERROR, 55), and then curl never reads the alert. Either way no request
    // was answered, and the server's typed event below says why. Which alert JSSE sends depends on the JDK (see
    // MissingCertificateAlert).
    assertThat(result.exitCode()).as(result.describe()).isIn(55, 56);
    if (result.exitCode() == 56) {
      assertThat(result.stderr()).contains(MissingCertificateAlert.onTls13().openSslText());
    }
    assertThat(status(result)).isEqualTo("000");
    assertThat(server.awaitRejection(Reason.NO_CERTIFICATE).peer()).matches("127\\.0\\.0\\.1:\\d+");
  }

  @Test
  void client_without_certificate_is_refused_on_tls12() {
    Result result = curl(List.of("--tlsv1.2", "--tls-max", "1.2"), server.url("/whoami").toString());

    // On TLS 1.2 the alert arrives during the handshake: CURLE_SSL_CONNECT_ERROR.
    assertThat(result.exitCode()).as(result.describe()).isEqualTo(35);
    assertThat(result.stderr()).contains(MissingCertificateAlert.onTls12().openSslText());
    assertThat(server.awaitRejection(Reason.NO_CERTIFICATE).verdict().offered()).isEmpty();
  }

  @Test
  void client_certificate_from_a_foreign_ca_is_refused() {
    Result result = curl(pem("foreign"), server.url("/whoami").toString());

    // 35 or 56: curl read the server's alert during or after its handshake (TLS 1.3 lets it finish first); 55: as
    // in the TLS 1.3 test above, the server had closed while curl was still sending, and curl never read the alert.
    assertThat(result.exitCode()).as(result.describe()).isIn(35, 55, 56);
    if (result.exitCode() != 55) {
      assertThat(result.stderr()).contains("alert certificate unknown");
    }
    assertThat(status(result)).isEqualTo("000");
    assertThat(server.awaitRejection(Reason.UNTRUSTED_ISSUER).verdict().sentence())
        .startsWith("the client certificate \"CN=alice,OU=admins,O=mtls-reference test\"");
  }

  @Test
  void curl_refuses_our_server_when_it_trusts_another_ca() {
    Result result = ExternalProcess.run(List.of(curl, "--silent", "--show-error", "--max-time", "20",
        "--cacert", pki.foreignRootPem().toString(), "--cert", pki.get("alice").chain().toString(),
        "--key", pki.get("alice").key().toString(), server.url("/whoami").toString()), TIMEOUT);

    // CURLE_PEER_FAILED_VERIFICATION: proves curl checks our server's chain in these tests.
    assertThat(result.exitCode()).as(result.describe()).isEqualTo(60);
    assertThat(result.stderr()).contains("SSL certificate problem: unable to get local issuer certificate");
  }

  /** {@code --cert NAME-chain.pem --key NAME.key}: the chain, so the server can build the path to our root. */
  private static List<String> pem(String name) {
    CastFiles.Credential credential = pki.get(name);
    return List.of("--cert", credential.chain().toString(), "--key", credential.key().toString());
  }

  private static Result curl(List<String> options, String... rest) {
    return curlWithConfig(null, options, rest);
  }

  private static Result curlWithConfig(String stdinConfig, List<String> options, String... rest) {
    List<String> command = new ArrayList<>(List.of(curl, "--silent", "--show-error", "--max-time", "20",
        "--cacert", pki.rootPem().toString(), "--write-out", "\n%{http_code}"));
    if (stdinConfig != null) {
      command.addAll(List.of("--config", "-"));
    }
    command.addAll(options);
    command.addAll(List.of(rest));
    return ExternalProcess.run(command, Map.of(), stdinConfig, TIMEOUT);
  }

  /** The status code curl wrote last ("000" when there was no response). */
  private static String status(Result result) {
    String out = result.stdout();
    return out.substring(out.lastIndexOf('\n') + 1);
  }

  /** The body, without the status line --write-out added. */
  private static String body(Result result) {
    String out = result.stdout();
    return out.substring(0, out.lastIndexOf('\n'));
  }
}
