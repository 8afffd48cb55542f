package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.trust.Reason;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.tls.TlsProbe;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What one peer may cost the server: each limit, run into by a peer on loopback. */
class LimitsTest {
  private static final Limits TIGHT = Limits.DEFAULTS
      .withHandshakeTimeout(Duration.ofMillis(1000))
      .withRequestHeaderTimeout(Duration.ofMillis(1000))
      .withIdleTimeout(Duration.ofMillis(2000))
      .withMaxConnections(4096, 3)
      .withMaxHeaders(8 * 1024, 20)
      .withMaxRequestBodyBytes(64 * 1024);

  private final ServerFixture pki = new ServerFixture();
  private final Recorder<Object> events = new Recorder<>();

  @Test
  void refuses_a_tls12_renegotiation_started_by_the_client() throws Exception {
    try (MtlsServer server = server()) {
      TlsProbe.Connection connection = pki.clientFor(pki.bob).protocols("TLSv1.2").connect(server.port());
      assertThat(connection.request("GET", "/whoami").status()).isEqualTo(200);

      assertThatThrownBy(() -> {
        connection.renegotiate();
        connection.request("GET", "/whoami");
      }).isInstanceOf(IOException.class);

      assertThat(events.await(Rejection.class, r -> r.verdict().reason() == Reason.RENEGOTIATION_REFUSED)).singleElement()
          .satisfies(r -> assertThat(r.stage()).isEqualTo(Rejection.Stage.OPEN_CONNECTION));
      connection.close();
    }
  }

  @Test
  void closes_an_authenticated_client_that_sends_its_headers_too_slowly() throws Exception {
    try (MtlsServer server = server()) {
      TlsProbe.Connection slow = pki.clientFor(pki.bob).connect(server.port());
      long start = System.nanoTime();
      boolean closed = false;
      try {
        slow.write("GET /whoami HTTP/1.1\r\nHost: localhost\r\n");
        for (int i = 0; i < 30 && !closed; i++) {
          // Real time is the attack: a header line every 200 ms, slower than the header timeout allows.
          Thread.sleep(200);
          slow.write("X-Slow-" + i + ": 1\r\n");
        }
      } catch (IOException e) {
        closed = true;
      }
      if (!closed) {
        closed = slow.isClosedByServer();
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(closed).isTrue();
      assertThat(took).isLessThan(Duration.ofMillis(4000));
      assertThat(events.all(ServedRequest.class)).isEmpty();
      slow.close();
    }
  }

  @Test
  void closes_a_handshake_that_trickles_past_the_handshake_timeout() throws Exception {
    try (MtlsServer server = server(); Socket socket = raw(server)) {
      OutputStream out = socket.getOutputStream();
      long start = System.nanoTime();
      // A TLS record header promising a 512-byte ClientHello, then one byte every 200 ms.
      out.write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00});
      boolean closed = false;
      for (int i = 0; i < 25 && !closed; i++) {
        // Real time is the attack: one byte every 200 ms keeps the connection busy without finishing a handshake.
        Thread.sleep(200);
        try {
          out.write(0x01);
          out.flush();
        } catch (SocketException e) {
          closed = true;
        }
        closed = closed || readsEndOfStream(socket);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(closed).isTrue();
      assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofMillis(3000));
      assertThat(events.await(Rejection.class, r -> r.verdict().reason() == Reason.HANDSHAKE_TIMEOUT)).hasSize(1);
    }
  }

  /** It never completes a handshake, and before one nothing but the handshake's deadline times a connection. */
  @Test
  void closes_a_connection_that_sends_nothing_after_the_handshake_timeout() throws Exception {
    try (MtlsServer server = server(); Socket socket = raw(server)) {
      long start = System.nanoTime();
      socket.setSoTimeout(6000);

      assertThat(socket.getInputStream().read()).isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900),
          Duration.ofMillis(3000));
      assertThat(events.await(Rejection.class, r -> r.verdict().reason() == Reason.HANDSHAKE_TIMEOUT)).hasSize(1);
    }
  }

  @Test
  void refuses_connections_over_the_per_address_limit_and_admits_again_when_one_closes() throws Exception {
    try (MtlsServer server = server()) {
      TlsProbe bob = pki.clientFor(pki.bob);
      List<TlsProbe.Connection> open = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        TlsProbe.Connection connection = bob.connect(server.port());
        assertThat(connection.request("GET", "/whoami").status()).isEqualTo(200);
        open.add(connection);
      }

      assertThatThrownBy(() -> bob.get(server.port(), "/whoami")).isInstanceOf(IOException.class);
      assertThat(events.await(Rejection.class, r -> r.verdict().reason() == Reason.TOO_MANY_CONNECTIONS)).hasSize(1);

      open.remove(0).close();
      awaitOpenConnections(server, 2);
      assertThat(bob.get(server.port(), "/whoami").status()).isEqualTo(200);
      for (TlsProbe.Connection connection : open) {
        connection.close();
      }
      awaitOpenConnections(server, 0);
    }
  }

  @Test
  void headers_over_the_limit_get_an_error_and_do_not_reach_a_handler() throws Exception {
    try (MtlsServer server = server()) {
      TlsProbe.Connection connection = pki.clientFor(pki.bob).connect(server.port());
      connection.write("GET /whoami HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(16 * 1024) + "\r\n\r\n");

      int status;
      try {
        status = connection.response().status();
      } catch (IOException closedWithoutAnswer) {
        status = -1;
      }

      assertThat(status).isIn(400, 431, -1);
      assertThat(events.all(ServedRequest.class)).noneMatch(r -> r.status() == 200);
      connection.close();
      assertThat(pki.clientFor(pki.bob).get(server.port(), "/whoami").status()).isEqualTo(200);
    }
  }

  @Test
  void a_body_over_the_route_limit_gets_413() throws Exception {
    try (MtlsServer server = pki.builder().limits(TIGHT).listener(ServerListener.forwardingTo(events))
        .route(io.undertow.util.Methods.POST, "/upload", Roles.anyClient(), 1024, exchange ->
            exchange.getRequestReceiver().receiveFullBytes((done, body) -> Responses.text(done, 200, "got "
                + body.length), (failed, error) -> Responses.text(failed, 413, "too large")))
        .build().start()) {
      TlsProbe.Connection connection = pki.clientFor(pki.bob).connect(server.port());
      connection.write("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2048\r\n\r\n" + "b".repeat(2048));

      assertThat(connection.response().status()).isEqualTo(413);
      connection.close();
    }
  }

  private MtlsServer server() {
    return pki.serverBuilder().limits(TIGHT).listener(ServerListener.forwardingTo(events)).build().start();
  }

  private static Socket raw(MtlsServer server) throws IOException {
    return new Socket(InetAddress.getLoopbackAddress(), server.port());
  }

  private static boolean readsEndOfStream(Socket socket) throws IOException {
    socket.setSoTimeout(1);
    try {
      InputStream in = socket.getInputStream();
      return in.read() < 0;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (SocketException reset) {
      return true;
    }
  }

  private static void awaitOpenConnections(MtlsServer server, int expected) {
    Eventually.within(Duration.ofSeconds(5)).await(expected + " open connections", server::openConnections,
        open -> open == expected);
  }
}
