package dev.mtls.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.TlsPolicy;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.tls.H2TestServer;
import dev.mtls.testing.tls.TlsTestServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client over HTTP/2: streams multiplexed on one connection, the version reported, ALPN fallback, timeouts. */
class Http2Test {
  private static final Cast PKI = Cast.create();
  private final Recorder<Object> events = new Recorder<>();
  private AutoCloseable server;

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void concurrent_requests_are_streams_on_one_connection(String protocol) throws Exception {
    H2TestServer h2 = H2TestServer.start(PKI.server, PKI.anchors(), List.of(protocol));
    server = h2;
    int streams = 20;
    try (MtlsClient client = client(HttpVersion.HTTP_2).build()) {
      List<CompletableFuture<MtlsResponse>> responses = new ArrayList<>();
      for (int i = 0; i < streams; i++) {
        // Each is answered only once all are in the server together: a client that queued them would time out.
        responses.add(client.sendAsync("GET", URI.create(h2.url("/together/" + streams)), null, null));
      }
      for (CompletableFuture<MtlsResponse> response : responses) {
        assertThat(response.get().status()).isEqualTo(200);
        assertThat(response.get().version()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(response.get().bodyText()).isEqualTo("hello CN=alice,OU=admins,O=mtls-reference test over HTTP/2.0");
        assertThat(response.get().tls().protocol()).isEqualTo(protocol);
      }
      assertThat(client.handshakes()).isEqualTo(1);
    }
    assertThat(h2.connections()).isEqualTo(1);
    assertThat(h2.fullHandshakes.get()).isEqualTo(1);
    assertThat(h2.requests.get()).isEqualTo(streams);
  }

  private MtlsClient.Builder client(HttpVersion version) {
    return MtlsClient.builder().identity(Identity.of(PKI.alice.privateKey(), PKI.alice.chain()))
        .trust(TrustAnchors.of(PKI.anchors())).httpVersion(version).listener(ClientListener.forwardingTo(events));
  }
}
