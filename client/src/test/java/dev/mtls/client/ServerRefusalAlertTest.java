package dev.mtls.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.MissingCrlPolicy;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.peers.Peer;
import dev.mtls.testing.peers.RequiresPeer;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.TestRevocationServer;
import dev.mtls.testing.tls.OpensslServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The alert our client sends when it refuses a server, as {@code openssl s_server} receives it: JSSE picks it from
 * the cause of the trust manager's refusal, so the server's operator learns the reason from the alert
 * (certificate_revoked, certificate_expired, bad_certificate, bad_certificate_status_response) and not only
 * certificate_unknown. JDK 17 (17.0.15 checked) picks certificate_expired and bad_certificate in TLS 1.2 only, and
 * certificate_unknown for them in TLS 1.3; JDK 23 and later (JDK-8311644; 25 checked) in both, and its exception
 * also names the alert, which the client's diagnosis then repeats.
 */
@RequiresPeer(Peer.OPENSSL)
class ServerRefusalAlertTest {
  private static final Cast PKI = Cast.create();
  private static final Pattern ALERT_NUMBER = Pattern.compile("SSL alert number (\\d+)");
  /** Whether this JDK names the alert it sent in the exception of the handshake it ended (JDK-8311644). */
  private static final boolean NAMES_SENT_ALERT = Runtime.version().feature() >= 23;
  private static final int CERTIFICATE_UNKNOWN = 46;

  /** The alert for an expired or not yet valid certificate: {@code rfc}, except in TLS 1.3 before JDK 23. */
  private static int validityAlert(String protocol, int rfc) {
    return protocol.equals("TLSv1.3") && Runtime.version().feature() < 23 ? CERTIFICATE_UNKNOWN : rfc;
  }

  @TempDir
  Path directory;
  private OpensslServer server;

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void a_revoked_server_certificate_is_refused_with_certificate_revoked(String protocol) throws Exception {
    Issued revoked = PKI.leaf("CN=localhost,O=revoked server").server().build();
    Path crl = Files.writeString(directory.resolve("crl.pem"), Pem.encode(PKI.issuingCrl(revoked.certificate())));
    start(protocol, revoked);

    Diagnosis diagnosis = refusal(protocol, MtlsClient.builder().addCrlFile(crl).missingCrl(MissingCrlPolicy.ACCEPT));

    assertThat(diagnosis.reason()).isEqualTo(Reason.REVOKED);
    assertSent(44, "certificate_revoked", diagnosis);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void an_expired_server_certificate_is_refused_with_certificate_expired(String protocol) throws Exception {
    Instant now = Instant.now();
    start(protocol, PKI.leaf("CN=localhost,O=expired server").server()
        .validity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1))).build());

    Diagnosis diagnosis = refusal(protocol, MtlsClient.builder());

    assertThat(diagnosis.reason()).isEqualTo(Reason.EXPIRED);
    assertSent(validityAlert(protocol, 45), "certificate_expired", diagnosis);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void a_server_certificate_not_yet_valid_is_refused_with_bad_certificate(String protocol) throws Exception {
    Instant now = Instant.now();
    start(protocol, PKI.leaf("CN=localhost,O=future server").server()
        .validity(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(30))).build());

    Diagnosis diagnosis = refusal(protocol, MtlsClient.builder());

    assertThat(diagnosis.reason()).isEqualTo(Reason.NOT_YET_VALID);
    assertSent(validityAlert(protocol, 42), "bad_certificate", diagnosis);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void a_stapled_revoked_answer_is_refused_with_bad_certificate_status_response(String protocol) throws Exception {
    Issued revoked = PKI.leaf("CN=localhost,O=stapling revoked server").server().build();
    byte[] staple;
    try (TestRevocationServer responder = TestRevocationServer.start(PKI.issuing)) {
      staple = responder.revoke(revoked.certificate(), TestRevocationServer.KEY_COMPROMISE)
          .responseFor(revoked.certificate());
    }
    Path status = Files.write(directory.resolve("status.der"), staple);
    start(protocol, revoked, "-status_file", status.toString());

    Diagnosis diagnosis = refusal(protocol, MtlsClient.builder());

    assertThat(diagnosis.reason()).isEqualTo(Reason.REVOKED);
    assertThat(diagnosis.sentence()).contains("says the OCSP response the server stapled");
    assertSent(113, "bad_certificate_status_response", diagnosis);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void a_server_from_an_untrusted_ca_gets_certificate_unknown(String protocol) throws Exception {
    start(protocol, PKI.foreignServer);

    Diagnosis diagnosis = refusal(protocol, MtlsClient.builder());

    // JSSE has no alert for "no trust anchor" from a trust manager: unknown_ca is sent only by its own validator.
    assertThat(diagnosis.reason()).isEqualTo(Reason.UNTRUSTED_ISSUER);
    assertSent(CERTIFICATE_UNKNOWN, "certificate_unknown", diagnosis);
  }

  /**
   * openssl received alert {@code number} ({@code name}), and our diagnosis says so where the JDK names the alert.
   */
  private void assertSent(int number, String name, Diagnosis diagnosis) {
    String output = Eventually.value("openssl s_server to report the alert it received", () -> {
      String seen = server.output();
      return ALERT_NUMBER.matcher(seen).find() ? seen : null;
    });
    // Every handshake the client made (a retry included) ended with that alert.
    Matcher alert = ALERT_NUMBER.matcher(output);
    while (alert.find()) {
      assertThat(Integer.parseInt(alert.group(1))).as("the alert openssl s_server received (" + name + "): " + output)
          .isEqualTo(number);
    }
    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.SERVER_NOT_TRUSTED);
    if (NAMES_SENT_ALERT) {
      assertThat(diagnosis.hint()).endsWith(" We sent the server the alert " + name + ".");
    } else {
      assertThat(diagnosis.hint()).doesNotContain("alert");
    }
  }

  private void start(String protocol, Issued serverCertificate, String... extra) throws Exception {
    server = OpensslServer.serving(protocol, serverCertificate, PKI.root.certificate(), directory, extra);
  }

  private Diagnosis refusal(String protocol, MtlsClientBuilder builder) {
    try (MtlsClient client = builder.identity(Identity.of(PKI.alice.privateKey(), PKI.alice.chain()))
        .trust(TrustAnchors.of(PKI.anchors())).protocols(List.of(protocol)).build()) {
      MtlsException failure = catchThrowableOfType(MtlsException.class, () -> client.get(server.url("localhost")));
      assertThat(failure).as("the request should fail").isNotNull();
      return failure.getDiagnosis();
    }
  }
}
