package dev.mtls.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.TestRevocationServer;
import dev.mtls.testing.tls.TlsTestServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A JSSE server refuses a revoked client with certificate_unknown whatever the reason: the alert cannot say it. The
 * client asks its own CA, at the OCSP responder its certificate names, and its diagnosis names the revocation.
 */
class OwnRevocationTest {
  private static final Cast PKI = Cast.create();

  private final TestRevocationServer responder = TestRevocationServer.start(PKI.issuing);
  private final Issued revoked = client("CN=revoked-client,OU=admins," + Cast.ORG);
  private final Issued good = client("CN=good-client,OU=admins," + Cast.ORG);
  private TlsTestServer server;

  private Issued client(String subject) {
    return PKI.issuing.issue(subject).client().ocspUrl(responder.ocspUrl()).build();
  }

  @AfterEach
  void stop() throws Exception {
    responder.close();
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void a_refused_client_names_the_revocation_its_cas_responder_reports(String protocol) throws Exception {
    responder.revoke(revoked.certificate(), TestRevocationServer.KEY_COMPROMISE);
    server = TlsTestServer.startWithCrls(PKI.server, PKI.anchors(), List.of(PKI.issuingCrl(revoked.certificate())),
        List.of(protocol));

    try (MtlsClient client = client(revoked, protocol).enforcePreflight(false).build()) {
      Diagnosis diagnosis = refusal(client);

      assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED);
      assertThat(diagnosis.reason()).isEqualTo(Reason.REVOKED);
      assertThat(diagnosis.sentence()).startsWith("The server rejected our client certificate, most likely because the"
          + " client certificate \"CN=revoked-client,OU=admins,O=mtls-reference test\" (serial "
          + revoked.certificate().getSerialNumber().toString(16) + ") was revoked on ")
          .endsWith("(reason keyCompromise), says the OCSP responder " + responder.ocspUrl() + ".");
    }
  }

  @Test
  void once_its_ca_says_revoked_the_client_refuses_to_connect() throws Exception {
    responder.revoke(revoked.certificate(), TestRevocationServer.KEY_COMPROMISE);
    server = TlsTestServer.start(PKI.server, PKI.anchors(), List.of("TLSv1.3"));

    try (MtlsClient client = client(revoked, "TLSv1.3").build()) {
      Eventually.await("our CA's answer in the pre-flight report",
          () -> client.preflight().verdict().reason() == Reason.REVOKED);
      int connections = server.connections.get();

      Diagnosis diagnosis = refusal(client);

      assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.OWN_CERTIFICATE_REFUSED);
      assertThat(diagnosis.sentence()).startsWith("Our certificate would be refused: revoked: the client certificate")
          .contains("(reason keyCompromise), says the OCSP responder");
      assertThat(server.connections.get()).as("nothing sent").isEqualTo(connections);
    }
  }

  @Test
  void a_good_certificate_is_asked_about_and_served() throws Exception {
    server = TlsTestServer.start(PKI.server, PKI.anchors(), List.of("TLSv1.3"));

    try (MtlsClient client = client(good, "TLSv1.3").build()) {
      assertThat(client.get(server.url("/")).status()).isEqualTo(200);
      Eventually.await("the pre-flight to ask our CA", () -> responder.ocspRequests() > 0);
      assertThat(client.preflight().verdict().isTrusted()).isTrue();
    }
  }

  @Test
  void a_hanging_responder_delays_no_request() throws Exception {
    responder.revoke(revoked.certificate(), TestRevocationServer.KEY_COMPROMISE).delay(Duration.ofSeconds(10));
    server = TlsTestServer.start(PKI.server, PKI.anchors(), List.of("TLSv1.3"));

    try (MtlsClient client = client(revoked, "TLSv1.3").build()) {
      long started = System.nanoTime();
      assertThat(client.get(server.url("/")).status()).isEqualTo(200);
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      // The question runs in the background; the fetch gives up after the revocation timeout (2 s) anyway.
      assertThat(took).isLessThan(Duration.ofSeconds(2));
      assertThat(client.preflight().verdict().isTrusted()).isTrue();
    }
  }

  @Test
  void asks_nothing_when_told_not_to() throws Exception {
    server = TlsTestServer.start(PKI.server, PKI.anchors(), List.of("TLSv1.3"));

    try (MtlsClient client = client(good, "TLSv1.3").askOwnStatus(false).build()) {
      assertThat(client.get(server.url("/")).status()).isEqualTo(200);
    }
    assertThat(responder.ocspRequests()).isZero();
  }

  private static MtlsClientBuilder client(Issued identity, String protocol) {
    return MtlsClient.builder().identity(Identity.of(identity.privateKey(), identity.chain()))
        .trust(TrustAnchors.of(PKI.anchors())).protocols(List.of(protocol));
  }

  private Diagnosis refusal(MtlsClient client) {
    MtlsException failure = catchThrowableOfType(MtlsException.class, () -> client.get(server.url("/")));
    assertThat(failure).as("the request should fail").isNotNull();
    return failure.getDiagnosis();
  }
}
