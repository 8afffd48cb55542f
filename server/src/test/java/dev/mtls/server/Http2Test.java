package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.trust.Reason;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.tls.TlsProbe;
import io.undertow.server.HttpHandler;
import io.undertow.util.Methods;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 over TLS, chosen by ALPN: each stream is identified, authorised and reported as an HTTP/1.1 request is; a
 * client that does not choose h2, or a server with HTTP/2 off, speaks HTTP/1.1; nothing turns into HTTP/2 without
 * ALPN. The peer is the JDK's own HttpClient.
 */
class Http2Test {
  private final ServerFixture pki = new ServerFixture();
  private final Recorder<Object> events = new Recorder<>();

  @TempDir
  Path dir;

  private MtlsServer server(UnaryOperator<MtlsServerBuilder> configure) {
    return configure.apply(pki.serverBuilder().listener(ServerListener.forwardingTo(events))).build().start();
  }

  private MtlsServer server() {
    return server(builder -> builder);
  }

  static HttpRequest get(MtlsServer server, String path) {
    return HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + path))
        .timeout(Duration.ofSeconds(10)).build();
  }

  static HttpResponse<String> send(HttpClient client, HttpRequest request) throws Exception {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The protocol the server answers an ALPN offer of {@code offered} with ("" for none). */
  private String negotiated(MtlsServer server, String... offered) throws IOException {
    try (SSLSocket socket = (SSLSocket) pki.sslContext(pki.alice).getSocketFactory().createSocket("127.0.0.1",
        server.port())) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(offered);
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      return socket.getApplicationProtocol();
    }
  }

  @Test
  void identifies_an_http2_client_by_its_certificate() throws Exception {
    try (MtlsServer server = server()) {
      HttpResponse<String> response = send(pki.http2Client(pki.alice), get(server, "/whoami"));

      assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("\"subject\":\"CN=alice,OU=admins,O=Demo\"", "\"roles\":[\"admin\"]");
      ServedRequest served = events.awaitFirst(ServedRequest.class);
      assertThat(served.protocol()).isEqualTo("HTTP/2");
      assertThat(served.caller().identity().subject().toDisplayString()).isEqualTo("CN=alice,OU=admins,O=Demo");
    }
  }

  @Test
  void answers_401_403_and_404_over_http2() throws Exception {
    try (MtlsServer server = server(builder -> builder.clientAuth(ClientAuthMode.REQUESTED))) {
      HttpResponse<String> anonymous = send(pki.http2Client(null), get(server, "/whoami"));
      HttpResponse<String> reader = send(pki.http2Client(pki.bob), HttpRequest.newBuilder(
          URI.create("https://localhost:" + server.port() + "/api/admin/reload"))
          .POST(HttpRequest.BodyPublishers.noBody()).build());
      HttpResponse<String> nowhere = send(pki.http2Client(pki.bob), get(server, "/nowhere"));

      assertThat(List.of(anonymous, reader, nowhere)).extracting(HttpResponse::version)
          .containsOnly(HttpClient.Version.HTTP_2);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.body()).contains("did not present one");
      assertThat(reader.statusCode()).isEqualTo(403);
      assertThat(nowhere.statusCode()).isEqualTo(404);
      assertThat(events.await(ServedRequest.class, served -> served.status() == 404)).singleElement()
          .extracting(ServedRequest::protocol).isEqualTo("HTTP/2");
    }
  }

  @Test
  void serves_concurrent_streams_on_one_connection_after_one_handshake() throws Exception {
    int streams = 10;
    CountDownLatch allArrived = new CountDownLatch(streams);
    // Each stream waits until all have arrived: they can only all finish if they are served at once.
    HttpHandler together = new HttpHandler() {
      @Override
      public void handleRequest(io.undertow.server.HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread()) {
          exchange.dispatch(this);
          return;
        }
        allArrived.countDown();
        Responses.text(exchange, allArrived.await(10, TimeUnit.SECONDS) ? 200 : 503, "together");
      }
    };
    try (MtlsServer server = server(builder -> builder.route(Methods.GET, "/together", Roles.anyClient(),
        together))) {
      HttpClient client = pki.http2Client(pki.alice);
      assertThat(send(client, get(server, "/whoami")).statusCode()).isEqualTo(200);

      List<CompletableFuture<HttpResponse<String>>> responses = IntStream.range(0, streams)
          .mapToObj(i -> client.sendAsync(get(server, "/together"), HttpResponse.BodyHandlers.ofString())).toList();

      for (CompletableFuture<HttpResponse<String>> response : responses) {
        assertThat(response.get(15, TimeUnit.SECONDS)).satisfies(r -> {
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        });
      }
      Eventually.await("every stream reported", () -> events.all(ServedRequest.class).stream()
          .filter(served -> served.path().equals("/together") && served.protocol().equals("HTTP/2"))
          .count() == streams);
      assertThat(events.all(AcceptedHandshake.class)).as("handshakes").hasSize(1);
    }
  }

  @Test
  void streams_of_a_connection_share_its_admission_and_are_judged_again_under_new_trust() throws Exception {
    Path crls = pki.writeCrls(dir.resolve("crl.pem"));
    try (MtlsServer server = server(builder -> builder.addCrlFile(crls))) {
      HttpClient bob = pki.http2Client(pki.bob);
      assertThat(send(bob, get(server, "/whoami")).statusCode()).isEqualTo(200);
      pki.writeCrls(crls, pki.alice.certificate());
      server.reload();

      assertThat(send(bob, get(server, "/whoami")).statusCode()).isEqualTo(200);
      assertThat(send(bob, get(server, "/whoami")).statusCode()).isEqualTo(200);

      Eventually.await("three requests reported", () -> events.all(ServedRequest.class).size() == 3);
      List<Caller> callers = events.all(ServedRequest.class).stream().map(ServedRequest::caller).toList();
      assertThat(callers.get(1).verdict().generation()).as("judged again under the new trust")
          .isNotEqualTo(callers.get(0).verdict().generation());
      assertThat(callers.get(2).verdict()).isSameAs(callers.get(1).verdict());
      // The identity is read from the certificate once per connection, not once per stream.
      assertThat(callers).allSatisfy(caller -> assertThat(caller.identity()).isSameAs(callers.get(0).identity()));
      assertThat(events.all(AcceptedHandshake.class)).hasSize(1);
    }
  }

  @Test
  void speaks_http2_over_tls12_with_an_ephemeral_aead_suite() throws Exception {
    SSLParameters tls12 = new SSLParameters();
    tls12.setProtocols(new String[] {"TLSv1.2"});
    try (MtlsServer server = server()) {
      HttpResponse<String> response = send(pki.http2Client(pki.alice, tls12), get(server, "/whoami"));

      assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(events.awaitOnly(AcceptedHandshake.class)).satisfies(handshake -> {
        assertThat(handshake.protocol()).isEqualTo("TLSv1.2");
        // RFC 9113 9.2.2: ECDHE and AEAD; the policy's first suite for the server's EC key.
        assertThat(handshake.cipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
      });
    }
  }

  @Test
  void speaks_http2_to_a_client_that_offers_tls13_suites_only() throws Exception {
    SSLParameters tls13 = new SSLParameters();
    tls13.setProtocols(new String[] {"TLSv1.3"});
    try (MtlsServer server = server()) {
      HttpResponse<String> response = send(pki.http2Client(pki.alice, tls13), get(server, "/whoami"));

      assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
    }
  }

  @Test
  void answers_alpn_with_h2_first_whatever_order_the_client_offers() throws Exception {
    try (MtlsServer server = server()) {
      assertThat(negotiated(server, "h2", "http/1.1")).isEqualTo("h2");
      assertThat(negotiated(server, "http/1.1", "h2")).isEqualTo("h2");
      assertThat(negotiated(server, "http/1.1")).isEqualTo("http/1.1");
      assertThat(negotiated(server)).as("no ALPN offer").isEmpty();
    }
  }

  @Test
  void speaks_http1_to_a_client_that_offers_only_http1() throws Exception {
    SSLParameters http1 = new SSLParameters();
    http1.setApplicationProtocols(new String[] {"http/1.1"});
    try (MtlsServer server = server()) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .sslContext(pki.sslContext(pki.alice)).sslParameters(http1).build();

      HttpResponse<String> response = send(client, get(server, "/whoami"));

      assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(events.awaitFirst(ServedRequest.class).protocol()).isEqualTo("HTTP/1.1");
    }
  }

  @Test
  void with_http2_off_answers_alpn_with_http1_only() throws Exception {
    try (MtlsServer server = server(builder -> builder.http2(false))) {
      HttpResponse<String> response = send(pki.http2Client(pki.alice), get(server, "/whoami"));

      assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(events.awaitFirst(ServedRequest.class).protocol()).isEqualTo("HTTP/1.1");
      assertThat(negotiated(server, "h2", "http/1.1")).isEqualTo("http/1.1");
    }
  }

  @Test
  void refuses_the_handshake_of_a_client_that_offers_no_protocol_the_server_speaks() throws Exception {
    try (MtlsServer server = server(builder -> builder.http2(false))) {
      // The server's no_application_protocol alert does not always reach the client before the close.
      assertThatThrownBy(() -> negotiated(server, "h2")).isInstanceOf(IOException.class);

      assertThat(events.awaitFirst(Rejection.class).verdict()).satisfies(verdict -> {
        assertThat(verdict.reason()).isEqualTo(Reason.NO_COMMON_PROTOCOL);
        assertThat(verdict.sentence()).contains("application layer protocol");
      });
    }
  }

  @Test
  void does_not_switch_an_http1_connection_to_h2c_on_an_upgrade_request() throws Exception {
    try (MtlsServer server = server();
        TlsProbe.Connection connection = pki.clientFor(pki.alice).connect(server.port())) {
      connection.write("GET /whoami HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n"
          + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
      TlsProbe.Response response = connection.response();

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.header("upgrade")).isNull();
      assertThat(connection.request("GET", "/whoami").status()).as("still HTTP/1.1").isEqualTo(200);
    }
  }

  @Test
  void does_not_take_the_http2_preface_on_a_connection_that_did_not_choose_h2() throws Exception {
    try (MtlsServer server = server();
        TlsProbe.Connection connection = pki.clientFor(pki.alice).connect(server.port())) {
      connection.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

      assertThat(connection.response().status()).isEqualTo(400);
      assertThat(connection.isClosedByServer()).isTrue();
    }
  }
}
