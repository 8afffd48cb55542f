package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.trust.Reason;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.tls.TlsProbe;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Protocol details a peer can rely on: the alert junk gets, the answer a refused request with a body gets. */
class ProtocolTest {
  private final ServerFixture pki = new ServerFixture();
  private final Recorder<Object> events = new Recorder<>();

  @Test
  void bytes_that_are_not_tls_get_an_unexpected_message_alert() throws Exception {
    try (MtlsServer server = pki.serverBuilder().listener(ServerListener.forwardingTo(events)).build().start();
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      socket.setSoTimeout(5000);

      InputStream in = socket.getInputStream();
      // Alert record, TLS 1.2 version, length 2, fatal, unexpected_message (10): not the JDK's internal_error (80).
      assertThat(in.readNBytes(7)).containsExactly(0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x0a);
      assertThat(in.read()).isEqualTo(-1);
      assertThat(events.awaitOnly(Rejection.class).verdict()).satisfies(verdict -> {
        assertThat(verdict.reason()).isEqualTo(Reason.HANDSHAKE_FAILED);
        assertThat(verdict.sentence()).isEqualTo("the peer sent something that is not TLS (a plain HTTP request?)");
      });
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST /whoami", "POST /nowhere", "POST /api/admin/reload"})
  void a_refused_request_with_a_body_still_gets_its_answer(String request) throws Exception {
    try (MtlsServer server = pki.serverBuilder().listener(ServerListener.forwardingTo(events)).build().start();
        TlsProbe.Connection connection = pki.clientFor(pki.bob).connect(server.port())) {
      String body = "x".repeat(3_000_000);
      connection.write(request + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: "
          + body.length() + "\r\n\r\n" + body);

      int status = connection.response().status();

      assertThat(status).isEqualTo(switch (request) {
        case "POST /whoami" -> 405;
        case "POST /nowhere" -> 404;
        default -> 403;
      });
    }
  }

  @Test
  void every_answer_carries_hsts() throws Exception {
    try (MtlsServer server = pki.serverBuilder().build().start()) {
      TlsProbe bob = pki.clientFor(pki.bob);

      assertThat(bob.get(server.port(), "/whoami").header("Strict-Transport-Security")).isEqualTo("max-age=31536000");
      assertThat(bob.get(server.port(), "/nowhere").header("Strict-Transport-Security")).isEqualTo("max-age=31536000");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"Sec-Fetch-Site: cross-site", "Sec-Fetch-Site: same-site", "Origin: https://evil.example",
      "Origin: null", "Origin: http://127.0.0.1"})
  void refuses_a_state_changing_request_a_browser_sent_for_another_site(String header) throws Exception {
    try (MtlsServer server = pki.serverBuilder().build().start();
        TlsProbe.Connection connection = pki.clientFor(pki.alice).connect(server.port())) {
      connection.write("POST /api/admin/reload HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n" + header
          + "\r\nContent-Length: 0\r\n\r\n");

      TlsProbe.Response response = connection.response();

      assertThat(response.status()).isEqualTo(403);
      assertThat(response.body()).startsWith("{\"error\":\"cross-site request refused\"");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"Sec-Fetch-Site: same-origin", "Sec-Fetch-Site: none", "X-Nothing: 1"})
  void lets_same_origin_and_non_browser_requests_through(String header) throws Exception {
    try (MtlsServer server = pki.serverBuilder().build().start();
        TlsProbe.Connection connection = pki.clientFor(pki.alice).connect(server.port())) {
      connection.write("POST /api/admin/reload HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n" + header
          + "\r\nOrigin: https://127.0.0.1:" + server.port() + "\r\nContent-Length: 0\r\n\r\n");

      assertThat(connection.response().status()).isEqualTo(200);
    }
  }
}
