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
 * {@code openssl s_client} as a client of our server, on TLS 1.3 and TLS 1.2 forced. s_client shows what a
 * generic TLS stack sees of our handshake: the CA names our server asks client certificates from, our chain
 * verified against our root, and, when we refuse a client, the TLS alert our server (JSSE) sends.
 *
 * <p>What JSSE sends, as these tests pin it: no client certificate gives the alert {@link MissingCertificateAlert}
 * names for the running JDK ({@code bad_certificate} on JDK 17, {@code certificate_required} or
 * {@code handshake_failure} on Temurin 25); a certificate we
 * cannot validate gives {@code certificate_unknown} (46). On TLS 1.3 s_client reports its handshake complete
 * before the alert arrives: the client learns of the refusal only when it reads.
 */
@RequiresPeer(Peer.OPENSSL)
class OpensslClientPeerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String GET_WHOAMI =
      "GET /whoami HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

  @TempDir
  static Path dir;

  private static String openssl;
  private static CastFiles pki;
  private static RunningServer server;

  @BeforeAll
  static void startServer() {
    openssl = Peer.OPENSSL.path();
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
  void admin_is_accepted_on_tls13_and_gets_her_identity() {
    Result result = sClient("-tls1_3", identity("alice", pki.intermediatePem()));

    assertAccepted(result, "TLSv1.3");
    assertThat(result.stdout()).contains("New, TLSv1.3, Cipher is TLS_AES_");
  }

  @Test
  void admin_is_accepted_on_tls12_and_gets_her_identity() {
    Result result = sClient("-tls1_2", identity("alice", pki.intermediatePem()));

    assertAccepted(result, "TLSv1.2");
    assertThat(result.stdout()).contains("New, TLSv1.2, Cipher is ECDHE-ECDSA-AES");
  }

  @Test
  void client_without_certificate_gets_the_jdks_missing_certificate_alert_on_tls13() {
    Result result = sClient("-tls1_3", List.of());
    MissingCertificateAlert alert = MissingCertificateAlert.onTls13();

    assertThat(result.exitCode()).as(result.describe()).isEqualTo(1);
    // The client's side of the TLS 1.3 handshake completed (our server verified fine) ...
    assertThat(result.stdout()).contains("New, TLSv1.3").contains("Verify return code: 0 (ok)");
    // ... and the refusal arrived with the first read.
    assertThat(result.stderr()).contains(alert.openSslText()).contains("SSL alert number " + alert.number());
    assertThat(result.stdout()).doesNotContain("HTTP/1.1");
    assertThat(server.awaitRejection(Reason.NO_CERTIFICATE).verdict().offered()).isEmpty();
  }

  @Test
  void client_without_certificate_gets_the_jdks_missing_certificate_alert_on_tls12() {
    Result result = sClient("-tls1_2", List.of());
    MissingCertificateAlert alert = MissingCertificateAlert.onTls12();

    assertThat(result.exitCode()).as(result.describe()).isEqualTo(1);
    assertThat(result.stderr()).contains(alert.openSslText()).contains("SSL alert number " + alert.number());
    assertThat(result.stdout()).doesNotContain("HTTP/1.1");
    assertThat(server.awaitRejection(Reason.NO_CERTIFICATE).verdict().offered()).isEmpty();
  }

  @Test
  void certificate_from_a_foreign_ca_gets_certificate_unknown_alert_on_tls13() {
    Result result = sClient("-tls1_3", identity("foreign", null));

    assertRefusedAsUnknown(result);
    assertThat(server.awaitRejection(Reason.UNTRUSTED_ISSUER).verdict().sentence()).isEqualTo("the client"
        + " certificate \"CN=alice,OU=admins,O=mtls-reference test\" was issued by \"CN=Foreign Root CA,O=elsewhere\", which"
        + " is not a trust anchor here (or the peer left out its intermediate CA certificate)");
  }

  @Test
  void certificate_from_a_foreign_ca_gets_certificate_unknown_alert_on_tls12() {
    Result result = sClient("-tls1_2", identity("foreign", null));

    assertRefusedAsUnknown(result);
    assertThat(server.awaitRejection(Reason.UNTRUSTED_ISSUER).verdict().sentence())
        .startsWith("the client certificate \"CN=alice,OU=admins");
  }

  @Test
  void certificate_from_an_impostor_ca_with_our_names_is_refused() {
    // Same subject as alice, issued by an intermediate and root with exactly our CA names but other keys.
    Result result = sClient("-tls1_3", identity("impostor", pki.dir().resolve("impostor/ca-chain.pem")));

    assertRefusedAsUnknown(result);
    assertThat(server.awaitRejection(Reason.UNTRUSTED_ISSUER).verdict().sentence())
        .endsWith("a CA with the same name but another key is a different CA");
  }

  private static void assertAccepted(Result result, String protocol) {
    assertThat(result.exitCode()).as(result.describe()).isZero();
    String out = result.stdout();
    assertThat(out)
        .contains("Acceptable client certificate CA names\nO = mtls-reference test, CN = Test Root CA\n")
        .contains("Verified peername: localhost")
        .contains("Verify return code: 0 (ok)")
        .contains("HTTP/1.1 200 OK\r\n")
        .contains("\"subject\":\"CN=alice,OU=admins," + Cast.ORG + "\"")
        .contains("\"roles\":[\"admin\"]")
        .contains("\"tls\":{\"protocol\":\"" + protocol + "\"");
    assertThat(server.rejections()).isEmpty();
  }

  private static void assertRefusedAsUnknown(Result result) {
    assertThat(result.exitCode()).as(result.describe()).isEqualTo(1);
    assertThat(result.stderr()).contains("alert certificate unknown").contains("SSL alert number 46");
    assertThat(result.stdout()).doesNotContain("HTTP/1.1");
  }

  /** s_client's own certificate and key, plus the intermediates to send after it (null: none). */
  private static List<String> identity(String name, Path intermediates) {
    CastFiles.Credential credential = pki.get(name);
    List<String> options = new ArrayList<>(List.of("-cert", credential.certificate().toString(),
        "-key", credential.key().toString()));
    if (intermediates != null) {
      options.addAll(List.of("-cert_chain", intermediates.toString()));
    }
    return options;
  }

  /**
   * Connects, verifies our server against our root and its name, sends {@code GET /whoami} and prints what
   * comes back. {@code -ign_eof}: keep reading after the request was sent, until the server closes.
   */
  private static Result sClient(String version, List<String> identity) {
    List<String> command = new ArrayList<>(List.of(openssl, "s_client", version,
        "-connect", "127.0.0.1:" + server.port(), "-servername", "localhost", "-verify_hostname", "localhost",
        "-CAfile", pki.rootPem().toString(), "-verify_return_error", "-ign_eof"));
    command.addAll(identity);
    return ExternalProcess.run(command, Map.of(), GET_WHOAMI, TIMEOUT);
  }
}
