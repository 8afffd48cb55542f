package dev.mtls.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.testing.peers.Peer;
import dev.mtls.testing.peers.RequiresPeer;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.KeyStores;
import dev.mtls.testing.pki.Pems;
import dev.mtls.testing.tls.OpensslServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client against a third-party server: {@code openssl s_server -Verify 1 -verify_return_error}. */
@RequiresPeer(Peer.OPENSSL)
class OpensslInteropTest {
  private static final Cast PKI = Cast.create();
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
  void pem_identity_with_intermediate_is_accepted_by_a_server_trusting_only_the_root(String protocol)
      throws Exception {
    start(protocol, PKI.server);
    Path chain = Files.writeString(directory.resolve("client-chain.pem"), Pems.of(PKI.alice.chain()));
    Path key = Files.writeString(directory.resolve("client-key.pem"), Pems.of(PKI.alice.privateKey()));
    try (MtlsClient client = client(Identity.loadPem(chain, key, null), protocol)) {
      MtlsResponse response = client.get(server.url("localhost"));
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyText()).contains("Subject: O=mtls-reference test, OU=admins, CN=alice");
      assertThat(response.tls().protocol()).isEqualTo(protocol);
      assertThat(response.tls().certificateRequested()).isTrue();
      assertThat(response.tls().certificateSent()).isTrue();
      assertThat(response.tls().acceptedIssuers())
          .containsExactly(new X500Principal("CN=Test Root CA,O=mtls-reference test"));
      assertThat(response.tls().serverChain()).hasSize(2);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void pkcs12_identity_chosen_by_alias_among_several_keys_is_accepted(String protocol) throws Exception {
    start(protocol, PKI.server);
    char[] password = "changeit-p12".toCharArray();
    Path file = KeyStores.pkcs12(directory.resolve("clients.p12"), password, Map.of("alice", PKI.alice, "bob", PKI.bob));
    try (MtlsClient client = client(Identity.loadPkcs12(file, password, "bob"), protocol)) {
      MtlsResponse response = client.get(server.url("localhost"));
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyText()).contains("Subject: O=mtls-reference test, OU=readers, CN=bob");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void client_without_certificate_is_told_the_server_requires_one(String protocol) throws Exception {
    start(protocol, PKI.server);
    try (MtlsClient client = MtlsClient.builder().trust(TrustAnchors.of(PKI.anchors())).protocols(List.of(protocol)).build()) {
      Diagnosis diagnosis = failure(client, server.url("localhost"));
      assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.NO_CLIENT_CERTIFICATE);
      assertThat(diagnosis.sentence()).isEqualTo("The server requires a client certificate and none was sent.");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void client_from_a_foreign_ca_is_told_the_server_does_not_trust_its_ca(String protocol) throws Exception {
    start(protocol, PKI.server);
    Diagnosis diagnosis = failureWith(PKI.foreignClient, protocol);
    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED);
    // openssl names the reason in its alert; if our write races its close, the CA list names it instead.
    assertThat(diagnosis.sentence()).isIn(
        "The server rejected our client certificate: it does not trust the CA that issued it (alert unknown_ca).",
        "The server rejected our client certificate, most likely because it does not trust the CA that issued it.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void expired_client_certificate_is_rejected_as_expired(String protocol) throws Exception {
    start(protocol, PKI.server);
    Diagnosis diagnosis = failureWith(PKI.expired, protocol);
    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED);
    assertThat(diagnosis.sentence()).isIn(
        "The server rejected our client certificate: it says the certificate has expired or is not yet valid "
            + "(alert certificate_expired).",
        "The server rejected our client certificate, most likely because the client certificate \"CN=expired,OU=admins,O=mtls-reference test\""
            + " expired on " + PreflightCheck.format(PKI.expired.certificate().getNotAfter().toInstant())
            + ".");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void revoked_client_certificate_is_rejected_as_revoked(String protocol) throws Exception {
    Path crl = Files.writeString(directory.resolve("crl.pem"), Pem.encode(PKI.issuingCrl()));
    start(protocol, PKI.server, "-crl_check", "-CRL", crl.toString());
    Diagnosis diagnosis = failureWith(PKI.revoked, protocol);
    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED);
    assertThat(diagnosis.sentence()).isIn(
        "The server rejected our client certificate: it says the certificate has been revoked "
            + "(alert certificate_revoked).",
        "The server rejected our client certificate: it closed the connection after the handshake without "
            + "saying why.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void server_from_a_foreign_ca_is_not_trusted(String protocol) throws Exception {
    start(protocol, PKI.foreignServer);
    Diagnosis diagnosis = failureWith(PKI.alice, protocol);
    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.SERVER_NOT_TRUSTED);
    assertThat(diagnosis.reason()).isEqualTo(Reason.UNTRUSTED_ISSUER);
    assertThat(diagnosis.sentence()).isEqualTo("We do not trust the server's certificate: not issued by a trusted"
        + " CA: CA certificate \"CN=Foreign Issuing CA,O=elsewhere\" was issued by \"CN=Foreign Root CA,O=elsewhere\","
        + " which is not a trust anchor here.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void server_certificate_for_another_host_is_a_hostname_mismatch(String protocol) throws Exception {
    start(protocol, PKI.otherHostServer);
    Diagnosis diagnosis = failureWith(PKI.alice, protocol);
    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.HOSTNAME_MISMATCH);
    assertThat(diagnosis.reason()).isEqualTo(Reason.HOSTNAME_MISMATCH);
    assertThat(diagnosis.sentence()).isEqualTo("The server certificate \"CN=other.example,O=mtls-reference test\" is not valid for"
        + " localhost: it names [DNS:other.example].");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void server_with_only_the_other_tls_version_has_no_common_protocol(String protocol) throws Exception {
    start(protocol.equals("TLSv1.3") ? "TLSv1.2" : "TLSv1.3", PKI.server);
    Diagnosis diagnosis = failureWith(PKI.alice, protocol);
    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.NO_COMMON_PROTOCOL);
    assertThat(diagnosis.sentence())
        .isEqualTo("The client and the server have no TLS version or cipher suite in common.");
  }

  private void start(String protocol, Issued serverCertificate, String... extra) throws Exception {
    server = OpensslServer.serving(protocol, serverCertificate, PKI.root.certificate(), directory, extra);
  }

  private Diagnosis failureWith(Issued identity, String protocol) {
    try (MtlsClient client = MtlsClient.builder().identity(Identity.of(identity.privateKey(), identity.chain())).trust(TrustAnchors.of(PKI.anchors()))
        .protocols(List.of(protocol)).enforcePreflight(false).build()) {
      return failure(client, server.url("localhost"));
    }
  }

  private static MtlsClient client(Identity identity, String protocol) {
    return MtlsClient.builder().identity(identity).trust(TrustAnchors.of(PKI.anchors())).protocols(List.of(protocol)).build();
  }

  private static Diagnosis failure(MtlsClient client, String url) {
    MtlsException failure = catchThrowableOfType(MtlsException.class, () -> client.get(url));
    assertThat(failure).as("request to " + url + " should fail").isNotNull();
    System.out.println("DIAG " + failure.getDiagnosis().render().replace("\n", "\n  "));
    return failure.getDiagnosis();
  }
}
