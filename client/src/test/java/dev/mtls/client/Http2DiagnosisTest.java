package dev.mtls.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.tls.H2TestServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A refused connection is explained over HTTP/2 exactly as over HTTP/1.1: the same kind, reason, sentence and hint,
 * from the same record of the handshake, against the same h2-capable server allowing TLS 1.3 (where it judges our
 * certificate after our handshake is done) or TLS 1.2 (inside it).
 */
class Http2DiagnosisTest {
  private static final Cast PKI = Cast.create();
  private H2TestServer server;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void a_server_from_a_foreign_ca_is_not_trusted(String protocol) throws Exception {
    server = H2TestServer.start(PKI.foreignServer, PKI.anchors(), List.of(protocol));
    Diagnosis http2 = sameOverBothVersions(PKI.alice);
    assertThat(http2.kind()).isEqualTo(Diagnosis.Kind.SERVER_NOT_TRUSTED);
    assertThat(http2.reason()).isEqualTo(Reason.UNTRUSTED_ISSUER);
    assertThat(server.requests.get()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void a_server_certificate_for_another_host_is_a_hostname_mismatch(String protocol) throws Exception {
    server = H2TestServer.start(PKI.otherHostServer, PKI.anchors(), List.of(protocol));
    Diagnosis http2 = sameOverBothVersions(PKI.alice);
    assertThat(http2.kind()).isEqualTo(Diagnosis.Kind.HOSTNAME_MISMATCH);
    assertThat(http2.sentence()).isEqualTo("The server certificate \"CN=other.example,O=mtls-reference test\" is not "
        + "valid for localhost: it names [DNS:other.example].");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void a_client_without_a_certificate_is_told_the_server_requires_one(String protocol) throws Exception {
    server = H2TestServer.start(PKI.server, PKI.anchors(), List.of(protocol));
    Diagnosis http2 = sameOverBothVersions(null);
    assertThat(http2.kind()).isEqualTo(Diagnosis.Kind.NO_CLIENT_CERTIFICATE);
    assertThat(http2.hint()).isEqualTo("Configure a client identity (--cert and --key, or --p12).");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void a_client_from_a_foreign_ca_is_told_the_server_does_not_trust_its_ca(String protocol) throws Exception {
    server = H2TestServer.start(PKI.server, PKI.anchors(), List.of(protocol));
    Diagnosis http2 = failure(PKI.foreignClient, HttpVersion.HTTP_2);
    Diagnosis http1 = failure(PKI.foreignClient, HttpVersion.HTTP_1_1);
    // Whether the server's alert or the closed connection reaches us first is a race, over either version: the
    // evidence in the hint varies, what it concludes does not.
    assertThat(http2.kind()).isEqualTo(http1.kind()).isEqualTo(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED);
    assertThat(http2.reason()).isEqualTo(http1.reason()).isEqualTo(Reason.UNTRUSTED_ISSUER);
    assertThat(http2.sentence()).isEqualTo(http1.sentence());
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void a_revoked_client_is_refused_by_the_server(String protocol) throws Exception {
    server = H2TestServer.startWithCrls(PKI.server, PKI.anchors(), List.of(PKI.issuingCrl()), List.of(protocol));
    try (MtlsClient good = client(PKI.alice, HttpVersion.HTTP_2)) {
      assertThat(good.get(server.url("/")).version()).as("the CRL does not list this one").isEqualTo(HttpVersion.HTTP_2);
    }
    Diagnosis http2 = failure(PKI.revoked, HttpVersion.HTTP_2);
    Diagnosis http1 = failure(PKI.revoked, HttpVersion.HTTP_1_1);
    assertThat(http2.kind()).isEqualTo(http1.kind()).isEqualTo(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED);
    // Nothing local explains a revocation, and JSSE does not name it: the sentence says what is known, which
    // depends on whether the alert or the closed connection came first.
    assertThat(List.of(http1.sentence(), http2.sentence())).allSatisfy(sentence -> assertThat(sentence).isIn(
        "The server rejected our client certificate: it closed the connection after the handshake without "
            + "saying why.",
        "The server rejected our client certificate: it could not validate the certificate "
            + "(alert certificate_unknown)."));
  }

  /** The diagnosis over HTTP/2, after checking that HTTP/1.1's is the same in all but the technical cause. */
  private Diagnosis sameOverBothVersions(Issued identity) {
    Diagnosis http2 = failure(identity, HttpVersion.HTTP_2);
    Diagnosis http1 = failure(identity, HttpVersion.HTTP_1_1);
    assertThat(http2).usingRecursiveComparison().ignoringFields("technical").isEqualTo(http1);
    return http2;
  }

  private Diagnosis failure(Issued identity, HttpVersion version) {
    try (MtlsClient client = client(identity, version)) {
      MtlsException failure = catchThrowableOfType(MtlsException.class, () -> client.get(server.url("/")));
      assertThat(failure).as("a request over %s should fail", version).isNotNull();
      return failure.getDiagnosis();
    }
  }

  private static MtlsClient client(Issued identity, HttpVersion version) {
    // The client offers both TLS versions; the server allows one. (Undertow 2.4.4 picks http/1.1 for a client that
    // offers TLS 1.3 alone: its ALPN wants the TLS 1.2 suite RFC 7540 requires among the client's.)
    MtlsClientBuilder builder = MtlsClient.builder().trust(TrustAnchors.of(PKI.anchors())).enforcePreflight(false)
        .httpVersion(version);
    if (identity != null) {
      builder.identity(Identity.of(identity.privateKey(), identity.chain()));
    }
    return builder.build();
  }
}
