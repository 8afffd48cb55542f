package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.trust.Reason;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.tls.TcpRelay;
import dev.mtls.testing.tls.TlsProbe;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
  void serves_http2_to_the_client_a_balancers_proxy_header_names() throws Exception {
    try (MtlsServer server = server("127.0.0.1");
        TcpRelay balancer = TcpRelay.to(server.port(), proxyV2("203.0.113.7", 4242, server.port()))) {
      HttpClient alice = pki.http2Client(pki.alice);
      URI whoami = URI.create("https://localhost:" + balancer.port() + "/whoami");

      HttpResponse<String> first = alice.send(HttpRequest.newBuilder(whoami).build(), BodyHandlers.ofString());
      HttpResponse<String> second = alice.send(HttpRequest.newBuilder(whoami).build(), BodyHandlers.ofString());

      assertThat(List.of(first, second)).allSatisfy(response -> {
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.body()).contains("\"subject\":\"CN=alice,OU=admins,O=Demo\"");
      });
      Eventually.await("both requests reported", () -> events.all(ServedRequest.class).size() == 2);
      assertThat(events.all(ServedRequest.class)).allSatisfy(served -> {
        assertThat(served.protocol()).isEqualTo("HTTP/2");
        assertThat(served.peer()).isEqualTo("203.0.113.7:4242");
      });
      assertThat(events.all(AcceptedHandshake.class)).as("one connection through the balancer").hasSize(1);
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
  void refuses_a_balancer_connection_without_a_proxy_header_with_an_event_and_a_metric() throws Exception {
    try (MtlsServer server = server("127.0.0.1")) {
      assertThatThrownBy(() -> pki.clientFor(pki.alice).get(server.port(), "/whoami"))
          .isInstanceOf(IOException.class);

      Rejection rejection = events.awaitFirst(Rejection.class);
      assertThat(rejection.verdict().reason()).isEqualTo(Reason.NO_PROXY_HEADER);
      assertThat(rejection.peer()).startsWith("127.0.0.1:");
      assertThat(refusals(server, Reason.NO_PROXY_HEADER)).isEqualTo(1.0);
      assertThat(events.all(ServedRequest.class)).isEmpty();
    }
  }

  /** Headers the PROXY protocol specification says must abort the connection: none of them may name a client. */
  @ParameterizedTest
  @ValueSource(strings = {
      "PROXY TCP4 999.1.1.1 127.0.0.1 4242 443\r\n", // Undertow served it as 231.1.1.1
      "PROXY TCP4 256.0.0.1 127.0.0.1 4242 443\r\n", // ... and this as 0.0.0.1
      "PROXY TCP4 1.2.3 127.0.0.1 4242 443\r\n",
      "PROXY TCP4 01.2.3.4 127.0.0.1 4242 443\r\n", // "heading zeroes are not permitted"
      "PROXY TCP4 1.2.3.4 127.0.0.1 65536 443\r\n",
      "PROXY TCP4 1.2.3.4 127.0.0.1 042 443\r\n",
      "PROXY TCP4 1.2.3.4  127.0.0.1 4242 443\r\n",
      "PROXY TCP4 ::1 ::1 4242 443\r\n",
      "PROXY TCP6 1.2.3.4 ::1 4242 443\r\n",
      "PROXY TCP6 1:2:3:4:5:6:7:8:9 ::1 4242 443\r\n",
      "PROXY TCP6 1::2::3 ::1 4242 443\r\n",
      "PROXY TCP4 1.2.3.4 127.0.0.1 4242 443\n",
      "PROXY TCP4 1.2.3.4 127.0.0.1 4242 443 \r\n",
      "PROXY UDP4 1.2.3.4 127.0.0.1 4242 443\r\n"})
  void closes_a_balancer_connection_whose_v1_header_does_not_match_the_specification(String header)
      throws Exception {
    byte[] bytes = header.getBytes(StandardCharsets.US_ASCII);
    try (MtlsServer server = server("127.0.0.1")) {
      assertThatThrownBy(() -> pki.clientFor(pki.alice).preamble(bytes).get(server.port(), "/whoami"))
          .isInstanceOf(IOException.class);

      Rejection rejection = events.awaitFirst(Rejection.class);
      assertThat(rejection.verdict().reason()).isEqualTo(Reason.BAD_PROXY_HEADER);
      assertThat(rejection.peer()).startsWith("127.0.0.1:");
      assertThat(events.all(ServedRequest.class)).isEmpty();
      assertThat(events.all(AcceptedHandshake.class)).isEmpty();
    }
  }

  @Test
  void closes_a_balancer_connection_whose_v2_header_is_too_short_for_its_addresses() throws Exception {
    byte[] header = proxyV2("203.0.113.7", 4242, 443);
    header[15] = 8; // TCP over IPv4 needs 12 bytes of addresses and ports
    try (MtlsServer server = server("127.0.0.1")) {
      assertThatThrownBy(() -> pki.clientFor(pki.alice).preamble(Arrays.copyOf(header, 16 + 8))
          .get(server.port(), "/whoami")).isInstanceOf(IOException.class);

      assertThat(events.awaitFirst(Rejection.class).verdict().reason()).isEqualTo(Reason.BAD_PROXY_HEADER);
      assertThat(refusals(server, Reason.BAD_PROXY_HEADER)).isEqualTo(1.0);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"PROXY TCP4 203.0.113.7 127.0.0.1 4242 443", "PROXY TCP4 0.0.0.0 255.255.255.255 0 65535",
      "PROXY TCP6 2001:db8::7 ::1 4242 443", "PROXY TCP6 ::ffff:203.0.113.7 ::1 4242 443"})
  void sees_the_client_a_balancers_proxy_v1_header_names(String line) throws Exception {
    String[] fields = line.split(" ");
    InetAddress source = InetAddress.getByName(fields[2]);
    String host = source.getHostAddress();
    try (MtlsServer server = server("127.0.0.1")) {
      TlsProbe.Response response = pki.clientFor(pki.alice)
          .preamble((line + "\r\n").getBytes(StandardCharsets.US_ASCII)).get(server.port(), "/whoami");

      assertThat(response.status()).isEqualTo(200);
      assertThat(events.all(ServedRequest.class)).extracting(ServedRequest::peer)
          .containsExactly((host.contains(":") ? "[" + host + "]" : host) + ":" + fields[4]);
    }
  }

  @Test
  void serves_a_balancers_own_connection_under_its_own_address() throws Exception {
    byte[] local = proxyV2("203.0.113.7", 4242, 443);
    local[12] = 0x20; // LOCAL: the balancer's own connection (a health check); the addresses are ignored
    try (MtlsServer server = server("127.0.0.1")) {
      assertThat(pki.clientFor(pki.alice).preamble(local).get(server.port(), "/whoami").status()).isEqualTo(200);
      assertThat(pki.clientFor(pki.alice).preamble("PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII))
          .get(server.port(), "/whoami").status()).isEqualTo(200);

      assertThat(events.all(ServedRequest.class)).extracting(ServedRequest::peer)
          .allMatch(peer -> peer.startsWith("127.0.0.1:"));
    }
  }

  @Test
  void closes_a_balancer_connection_whose_header_does_not_arrive_within_the_handshake_timeout() throws Exception {
    try (MtlsServer server = pki.serverBuilder().proxyProtocolFrom(Balancers.of(List.of("127.0.0.1")))
        .limits(Limits.DEFAULTS.withHandshakeTimeout(Duration.ofSeconds(1)))
        .listener(ServerListener.forwardingTo(events)).build().start();
        Socket balancer = new Socket("127.0.0.1", server.port())) {
      balancer.getOutputStream().write("PROXY TCP4 203.0.113.7 ".getBytes(StandardCharsets.US_ASCII));

      Rejection rejection = events.awaitFirst(Rejection.class);
      assertThat(rejection.verdict().reason()).isEqualTo(Reason.HANDSHAKE_TIMEOUT);
      balancer.setSoTimeout(5_000);
      assertThat(balancer.getInputStream().read()).as("closed by the server").isEqualTo(-1);
    }
  }

  /** The server's count of handshakes refused for {@code reason}. */
  private static double refusals(MtlsServer server, Reason reason) {
    Counter counter = server.meterRegistry().find("mtls.handshakes").tags("outcome", "refused", "reason", reason.name())
        .counter();
    return counter == null ? 0 : counter.count();
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
