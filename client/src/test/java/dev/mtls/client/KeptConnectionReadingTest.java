package dev.mtls.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.tls.TlsTestServer;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client reads each TLS record's header and body through one buffer (a read ahead of what JSSE asks for):
 * bodies of any size arrive whole and in order, and what was read ahead for one response never leaks into the
 * next on a kept connection.
 */
class KeptConnectionReadingTest {
  private static final Cast PKI = Cast.create();

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void bodies_smaller_and_larger_than_a_record_arrive_whole_on_one_connection(String protocol) throws Exception {
    try (TlsTestServer server = TlsTestServer.start(PKI.server, PKI.anchors(), List.of(protocol));
        MtlsClient client = client()) {
      for (int length : new int[] {0, 1, 16_379, 16_384, 16_385, 70_000, 1_000_000, 3}) {
        MtlsResponse response = client.get(server.url("/bytes/" + length));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).as("body of %d bytes", length).isEqualTo(TlsTestServer.pattern(length));
      }
      assertThat(server.connections.get()).isEqualTo(1);
      assertThat(server.failures).isEmpty();
    }
  }

  private static MtlsClient client() {
    return MtlsClient.builder().identity(Identity.of(PKI.alice.privateKey(), PKI.alice.chain()))
        .trust(TrustAnchors.of(PKI.anchors())).build();
  }
}
