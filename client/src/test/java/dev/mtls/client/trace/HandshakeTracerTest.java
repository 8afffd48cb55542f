package dev.mtls.client.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.client.HttpVersion;
import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsException;
import dev.mtls.client.MtlsResponse;
import dev.mtls.client.trace.HandshakeTrace.Direction;
import dev.mtls.client.trace.HandshakeTrace.Step;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.tls.H2TestServer;
import dev.mtls.testing.tls.TlsTestServer;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Traces of real handshakes. Runs in its own JVM (see the "handshake-trace" surefire execution): JSSE
 * reads its debug switch once, before the first TLS use.
 */
class HandshakeTracerTest {
  private static final Cast PKI = Cast.create();

  @BeforeAll
  static void enableTracing() {
    HandshakeTracer.enable();
  }

  private static HandshakeTracer.Captured<MtlsResponse> request(String protocol, boolean foreignClient)
      throws Exception {
    Issued who = foreignClient ? PKI.foreignClient : PKI.alice;
    try (TlsTestServer server = TlsTestServer.start(PKI.server, PKI.anchors(), List.of(protocol));
        MtlsClient client = MtlsClient.builder().identity(Identity.of(who.privateKey(), who.chain()))
            .trust(TrustAnchors.of(PKI.anchors())).protocols(List.of(protocol)).build()) {
      return HandshakeTracer.capture(() -> client.get(server.url("/")));
    }
  }

  private static List<String> handshakeOnly(HandshakeTrace trace) {
    return trace.messages().stream().filter(m -> !m.equals("NewSessionTicket")).toList();
  }

  @Test
  void tls13_trace_shows_encrypted_extensions_and_the_client_certificate_after_the_server_finished() throws Exception {
    HandshakeTracer.Captured<MtlsResponse> captured = request("TLSv1.3", false);

    assertThat(captured.failure()).isNull();
    assertThat(handshakeOnly(captured.trace())).containsExactly("ClientHello", "ServerHello", "EncryptedExtensions",
        "CertificateRequest", "Certificate", "CertificateVerify", "Finished", "Certificate", "CertificateVerify",
        "Finished");
    List<Step> steps = captured.trace().steps();
    assertThat(steps.get(0).direction()).isEqualTo(Direction.CLIENT_TO_SERVER);
    assertThat(steps.get(4).direction()).isEqualTo(Direction.SERVER_TO_CLIENT);
    assertThat(steps.get(4).subjects()).containsExactly("CN=localhost, O=mtls-reference test", "CN=Test Issuing CA, O=mtls-reference test");
    assertThat(steps.get(7).direction()).isEqualTo(Direction.CLIENT_TO_SERVER);
    assertThat(steps.get(7).subjects()).containsExactly("CN=alice, OU=admins, O=mtls-reference test", "CN=Test Issuing CA, O=mtls-reference test");
    assertThat(captured.trace().toMermaid()).startsWith("sequenceDiagram\n")
        .contains("    C->>S: ClientHello\n", "    S->>C: EncryptedExtensions\n",
            "    C->>S: Certificate [CN=alice, OU=admins, O=mtls-reference test <- CN=Test Issuing CA, O=mtls-reference test]\n");
  }

  @Test
  void tls12_trace_shows_key_exchange_and_server_hello_done_and_no_encrypted_extensions() throws Exception {
    HandshakeTracer.Captured<MtlsResponse> captured = request("TLSv1.2", false);

    assertThat(captured.failure()).isNull();
    assertThat(handshakeOnly(captured.trace())).containsExactly("ClientHello", "ServerHello", "Certificate",
        "ServerKeyExchange", "CertificateRequest", "ServerHelloDone", "Certificate", "ClientKeyExchange",
        "CertificateVerify", "Finished", "Finished");
    assertThat(captured.trace().steps().get(9).direction()).isEqualTo(Direction.CLIENT_TO_SERVER);
    assertThat(captured.trace().steps().get(captured.trace().steps().size() - 1).direction())
        .isEqualTo(Direction.SERVER_TO_CLIENT);
  }

  @Test
  void rejected_handshake_trace_ends_in_an_alert_or_failure_instead_of_the_servers_finished() throws Exception {
    HandshakeTracer.Captured<MtlsResponse> captured = request("TLSv1.2", true);

    assertThat(captured.failure()).isInstanceOf(MtlsException.class);
    List<String> messages = captured.trace().messages();
    assertThat(messages).startsWith("ClientHello", "ServerHello", "Certificate", "ServerKeyExchange",
        "CertificateRequest", "ServerHelloDone", "Certificate");
    assertThat(messages.get(messages.size() - 1)).isIn("Alert", "ConnectionFailure");
    assertThat(messages.stream().filter(m -> m.equals("Finished")).count()).isLessThanOrEqualTo(1);
    assertThat(captured.trace().steps().get(6).subjects()).containsExactly("CN=alice, OU=admins, O=mtls-reference test");
  }

  @Test
  void an_http2_requests_handshake_is_traced_from_the_io_thread_that_made_it() throws Exception {
    try (H2TestServer server = H2TestServer.start(PKI.server, PKI.anchors(), List.of("TLSv1.3"));
        MtlsClient client = MtlsClient.builder().identity(Identity.of(PKI.alice.privateKey(), PKI.alice.chain()))
            .trust(TrustAnchors.of(PKI.anchors())).httpVersion(HttpVersion.HTTP_2).build()) {
      HandshakeTracer.Captured<MtlsResponse> captured =
          HandshakeTracer.captureAsync(() -> client.get(server.url("/")));

      assertThat(captured.result().version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(handshakeOnly(captured.trace())).containsExactly("ClientHello", "ServerHello",
          "EncryptedExtensions", "CertificateRequest", "Certificate", "CertificateVerify", "Finished", "Certificate",
          "CertificateVerify", "Finished");
      assertThat(HandshakeTracer.capture(() -> client.get(server.url("/"))).trace().isEmpty())
          .as("the classic capture sees only this thread").isTrue();
    }
  }

  @Test
  void reused_connection_has_no_handshake_to_trace() throws Exception {
    try (TlsTestServer server = TlsTestServer.start(PKI.server, PKI.anchors(), List.of("TLSv1.3"));
        MtlsClient client = MtlsClient.builder().identity(Identity.of(PKI.alice.privateKey(), PKI.alice.chain())).trust(TrustAnchors.of(PKI.anchors())).build()) {
      HandshakeTrace first = HandshakeTracer.capture(() -> client.get(server.url("/"))).trace();
      HandshakeTrace second = HandshakeTracer.capture(() -> client.get(server.url("/"))).trace();

      assertThat(first.isEmpty()).isFalse();
      assertThat(second.isEmpty()).isTrue();
      assertThat(second.toText()).isEqualTo("(no handshake on this request: the connection was reused)\n");
    }
  }
}
