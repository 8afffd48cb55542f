package dev.mtls.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.testing.peers.Jdk;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.tls.TlsTestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each failure class against an in-test JSSE server, under TLS 1.3 (where the server judges our certificate
 * after our handshake is done) and TLS 1.2 (where it does so inside the handshake).
 */
class DiagnosisTest {
  private static final Cast PKI = Cast.create();
  /**
   * A JSSE server names no reason: it sends certificate_unknown, and whether that alert reaches us or our
   * write meets a closed socket first (broken pipe) is a race, under TLS 1.3 and 1.2 alike.
   */
  private static final String EVIDENCE =
      "(The server closed the connection without an alert|The server sent only the generic alert certificate_unknown)";
  private TlsTestServer server;

  @AfterEach
  void stopServer() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void client_without_certificate_is_told_the_server_requires_one(String protocol) throws Exception {
    server = TlsTestServer.start(PKI.server, PKI.anchors(), List.of(protocol));
    try (MtlsClient client = MtlsClient.builder().trust(TrustAnchors.of(PKI.anchors())).build()) {
      Diagnosis diagnosis = failure(client, server.url("/"));
      assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.NO_CLIENT_CERTIFICATE);
      assertThat(diagnosis.sentence()).isEqualTo("The server requires a client certificate and none was sent.");
      assertThat(diagnosis.hint()).isEqualTo("Configure a client identity (--cert and --key, or --p12).");
    }
    assertThat(server.connections.get()).as("a rejected handshake is not retried").isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void client_from_a_foreign_ca_is_told_the_server_does_not_trust_its_ca(String protocol) throws Exception {
    server = TlsTestServer.start(PKI.server, PKI.anchors(), List.of(protocol));
    Diagnosis diagnosis = failureWith(PKI.foreignClient, protocol);
    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED);
    // JSSE sends no specific alert (1.2: certificate_unknown; 1.3: none reaches us): the CA list it asked
    // for, against our chain, names the reason.
    assertThat(diagnosis.sentence()).isEqualTo("The server rejected our client certificate, most likely because "
        + "it does not trust the CA that issued it.");
    assertThat(diagnosis.hint()).matches(EVIDENCE + "; it accepts certificates from "
        + "CN=Test Root CA,O=mtls-reference test, and ours chains to CN=Foreign Root CA,O=elsewhere\\.");
    assertThat(server.connections.get()).as("a rejected handshake is not retried").isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void expired_client_certificate_sent_anyway_is_rejected_as_expired(String protocol) throws Exception {
    server = TlsTestServer.start(PKI.server, PKI.anchors(), List.of(protocol));
    Diagnosis diagnosis = failureWith(PKI.expired, protocol);
    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED);
    assertThat(diagnosis.reason()).isEqualTo(Reason.EXPIRED);
    assertThat(diagnosis.sentence()).isEqualTo("The server rejected our client certificate, most likely because "
        + "the client certificate \"CN=expired,OU=admins,O=mtls-reference test\" expired on "
        + PreflightCheck.format(PKI.expired.certificate().getNotAfter().toInstant()) + ".");
    assertThat(diagnosis.hint()).matches(EVIDENCE + "; judged with our own trust anchors, our certificate is refused:"
        + " expired\\. Renew the certificate.*");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void revoked_client_certificate_is_rejected_as_revoked(String protocol) throws Exception {
    server = TlsTestServer.startWithCrls(PKI.server, PKI.anchors(), List.of(PKI.issuingCrl()), List.of(protocol));
    try (MtlsClient good = clientWith(PKI.alice, protocol)) {
      assertThat(good.get(server.url("/")).status()).as("the CRL does not list this one").isEqualTo(200);
    }
    Diagnosis diagnosis = failureWith(PKI.revoked, protocol);
    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED);
    // Nothing local explains a revocation, and JSSE does not name it: the sentence says what is known.
    assertThat(diagnosis.sentence()).isIn(
        "The server rejected our client certificate: it closed the connection after the handshake without "
            + "saying why.",
        "The server rejected our client certificate: it could not validate the certificate "
            + "(alert certificate_unknown).");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void server_certificate_sent_as_client_certificate_is_rejected(String protocol) throws Exception {
    server = TlsTestServer.start(PKI.server, PKI.anchors(), List.of(protocol));
    Diagnosis diagnosis = failureWith(PKI.serverOnly, protocol);
    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED);
    assertThat(diagnosis.reason()).isEqualTo(Reason.WRONG_PURPOSE);
    assertThat(diagnosis.sentence()).isEqualTo("The server rejected our client certificate, most likely because "
        + "the client certificate \"CN=serveronly,OU=admins,O=mtls-reference test\" is not allowed for TLS client authentication: its extended"
        + " key usage [serverAuth] lacks clientAuth.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void server_from_a_foreign_ca_is_not_trusted(String protocol) throws Exception {
    server = TlsTestServer.start(PKI.foreignServer, PKI.anchors(), List.of(protocol));
    Diagnosis diagnosis = failureWith(PKI.alice, protocol);
    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.SERVER_NOT_TRUSTED);
    assertThat(diagnosis.reason()).isEqualTo(Reason.UNTRUSTED_ISSUER);
    assertThat(diagnosis.sentence()).isEqualTo("We do not trust the server's certificate: not issued by a trusted"
        + " CA: CA certificate \"CN=Foreign Issuing CA,O=elsewhere\" was issued by \"CN=Foreign Root CA,O=elsewhere\","
        + " which is not a trust anchor here.");
    assertThat(diagnosis.hint()).isEqualTo("We trust CN=Test Root CA,O=mtls-reference test. "
        + "Pass the CA that issued the server's certificate with --cacert."
        + Jdk.sentAlertSentence("certificate_unknown"));
    assertThat(server.connections.get()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void server_certificate_for_another_host_is_a_hostname_mismatch(String protocol) throws Exception {
    server = TlsTestServer.start(PKI.otherHostServer, PKI.anchors(), List.of(protocol));
    Diagnosis diagnosis = failureWith(PKI.alice, protocol);
    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.HOSTNAME_MISMATCH);
    assertThat(diagnosis.reason()).isEqualTo(Reason.HOSTNAME_MISMATCH);
    assertThat(diagnosis.sentence()).isEqualTo("The server certificate \"CN=other.example,O=mtls-reference test\" is not valid for"
        + " localhost: it names [DNS:other.example].");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void closed_port_is_connection_refused(String protocol) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (MtlsClient client = clientWith(PKI.alice, protocol)) {
      Diagnosis diagnosis = failure(client, "https://localhost:" + port + "/");
      assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.CONNECTION_REFUSED);
      assertThat(diagnosis.sentence()).isEqualTo("Nothing is listening on localhost:" + port
          + " (connection refused).");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void server_with_only_the_other_tls_version_has_no_common_protocol(String protocol) throws Exception {
    String other = protocol.equals("TLSv1.3") ? "TLSv1.2" : "TLSv1.3";
    server = TlsTestServer.start(PKI.server, PKI.anchors(), List.of(other));
    Diagnosis diagnosis = failureWith(PKI.alice, protocol);
    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.NO_COMMON_PROTOCOL);
    assertThat(diagnosis.sentence())
        .isEqualTo("The client and the server have no TLS version or cipher suite in common.");
    assertThat(diagnosis.hint()).startsWith("We offered [" + protocol + "]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void expired_own_certificate_is_reported_before_connecting(String protocol) throws Exception {
    server = TlsTestServer.start(PKI.server, PKI.anchors(), List.of(protocol));
    try (MtlsClient client = MtlsClient.builder().identity(Identity.of(PKI.expired.privateKey(), PKI.expired.chain())).trust(TrustAnchors.of(PKI.anchors()))
        .protocols(List.of(protocol)).build()) {
      Diagnosis diagnosis = failure(client, server.url("/"));
      assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.OWN_CERTIFICATE_EXPIRED);
      assertThat(diagnosis.reason()).isEqualTo(Reason.EXPIRED);
      assertThat(diagnosis.sentence()).isEqualTo("Our certificate would be refused: expired: the client certificate"
          + " \"CN=expired,OU=admins,O=mtls-reference test\" expired on "
          + PreflightCheck.format(PKI.expired.certificate().getNotAfter().toInstant()) + ".");
    }
    assertThat(server.connections.get()).as("nothing was sent").isZero();
  }

  private Diagnosis failureWith(Issued identity, String protocol) {
    try (MtlsClient client = clientWith(identity, protocol)) {
      return failure(client, server.url("/"));
    }
  }

  private static MtlsClient clientWith(Issued identity, String protocol) {
    return client(Identity.of(identity.privateKey(), identity.chain()), TrustAnchors.of(PKI.anchors()), protocol);
  }

  private static MtlsClient client(Identity identity, TrustAnchors trust, String protocol) {
    return MtlsClient.builder().identity(identity).trust(trust).protocols(List.of(protocol))
        .enforcePreflight(false).build();
  }

  private static Diagnosis failure(MtlsClient client, String url) {
    MtlsException failure = catchThrowableOfType(MtlsException.class, () -> client.get(url));
    assertThat(failure).as("request to " + url + " should fail").isNotNull();
    System.out.println("DIAG " + failure.getDiagnosis().render().replace("\n", "\n  "));
    return failure.getDiagnosis();
  }
}
