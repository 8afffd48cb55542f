package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.trust.Reason;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.tls.TlsProbe;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Behind an L4 balancer: the PROXY protocol header names the real client, which the events (and so the access log
 * and the per-address limit) see; only a configured balancer may send one.
 */
class BalancedListenerTest {
  private final ServerFixture pki = new ServerFixture();
  private final Recorder<Object> events = new Recorder<>();

  /** A PROXY protocol v2 header (TCP over IPv4) naming {@code source} as the client, as HAProxy's send-proxy-v2. */
  static byte[] proxyV2(String source, int sourcePort, int destinationPort) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(16 + 12);
    header.put(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
    header.put((byte) 0x21).put((byte) 0x11).putShort((short) 12);
    header.put(InetAddress.getByName(source).getAddress()).put(InetAddress.getByName("127.0.0.1").getAddress());
    header.putShort((short) sourcePort).putShort((short) destinationPort);
    return header.array();
  }

  private MtlsServer server(String balancers) {
    return pki.serverBuilder().proxyProtocolFrom(Balancers.of(List.of(balancers.split(",")))).listener(ServerListener.forwardingTo(events))
        .build().start();
  }

  @Test
  void sees_the_client_a_balancers_proxy_v2_header_names() throws Exception {
    try (MtlsServer server = server("127.0.0.1")) {
      TlsProbe.Response response = pki.clientFor(pki.alice).preamble(proxyV2("203.0.113.7", 4242, server.port()))
          .get(server.port(), "/whoami");

      assertThat(response.status()).isEqualTo(200);
      assertThat(events.all(ServedRequest.class)).extracting(ServedRequest::peer).containsExactly("203.0.113.7:4242");
    }
  }

  @Test
  void refuses_the_client_behind_the_balancer_by_its_own_address_and_certificate() throws Exception {
    try (MtlsServer server = pki.serverBuilder().proxyProtocolFrom(Balancers.of(List.of("127.0.0.1")))
        .limits(Limits.DEFAULTS.withMaxConnections(4096, 1)).listener(ServerListener.forwardingTo(events)).build().start();
        TlsProbe.Connection first = pki.clientFor(pki.alice).preamble(proxyV2("198.51.100.1", 1000, 0))
            .connect(server.port())) {
      assertThat(first.request("GET", "/whoami").status()).isEqualTo(200);
      // The same balancer, another client: the per-address limit counts clients, not the balancer.
      assertThat(pki.clientFor(pki.bob).preamble(proxyV2("198.51.100.2", 1000, 0)).get(server.port(), "/whoami")
          .status()).isEqualTo(200);
      assertThatThrownBy(() -> pki.clientFor(pki.bob).preamble(proxyV2("198.51.100.1", 1001, 0))
          .get(server.port(), "/whoami")).isInstanceOf(IOException.class);
    }
  }

  @Test
  void closes_a_connection_from_an_address_that_is_not_a_balancer_and_reports_it() throws Exception {
    try (MtlsServer server = server("10.9.9.9, 192.0.2.0/24")) {
      assertThatThrownBy(() -> pki.clientFor(pki.alice).preamble(proxyV2("203.0.113.7", 4242, server.port()))
          .get(server.port(), "/whoami")).isInstanceOf(IOException.class);

      Rejection rejection = events.all(Rejection.class).get(0);
      assertThat(rejection.verdict().reason()).isEqualTo(Reason.NOT_A_BALANCER);
      assertThat(rejection.peer()).startsWith("127.0.0.1:");
      assertThat(events.all(ServedRequest.class)).isEmpty();
    }
  }

  @Test
  void a_balancer_connection_without_a_proxy_header_is_not_served() throws Exception {
    try (MtlsServer server = server("127.0.0.1")) {
      assertThatThrownBy(() -> pki.clientFor(pki.alice).get(server.port(), "/whoami"))
          .isInstanceOf(IOException.class);
      assertThat(events.all(ServedRequest.class)).isEmpty();
    }
  }

  @Test
  void balancers_are_addresses_and_networks_never_names() {
    Balancers balancers = Balancers.of(List.of("10.1.0.0/16", "192.0.2.7", "::1", "2001:db8::/32"));

    assertThat(balancers.allows(new InetSocketAddress("10.1.200.3", 1))).isTrue();
    assertThat(balancers.allows(new InetSocketAddress("10.2.0.1", 1))).isFalse();
    assertThat(balancers.allows(new InetSocketAddress("192.0.2.7", 1))).isTrue();
    assertThat(balancers.allows(new InetSocketAddress("192.0.2.8", 1))).isFalse();
    assertThat(balancers.allows(new InetSocketAddress("::1", 1))).isTrue();
    assertThat(balancers.allows(new InetSocketAddress("2001:db8:1::5", 1))).isTrue();
    assertThat(balancers.allows(new InetSocketAddress("2001:db9::5", 1))).isFalse();
    assertThatThrownBy(() -> Balancers.of(List.of("lb.example.org"))).hasMessageContaining("names are not resolved");
    assertThatThrownBy(() -> Balancers.of(List.of("10.0.0.0/33"))).hasMessageContaining("prefix length");
  }
}
