package dev.mtls.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

  @Test
  void each_response_and_event_says_which_http_version_it_came_over() throws Exception {
    H2TestServer h2 = H2TestServer.start(PKI.server, PKI.anchors(), TlsPolicy.PROTOCOLS);
    server = h2;
    try (MtlsClient client = client(HttpVersion.HTTP_2).build()) {
      MtlsResponse first = client.get(h2.url("/orders"));
      MtlsResponse second = client.get(h2.url("/status/404"));

      assertThat(first.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(first.header(H2TestServer.PROTOCOL_HEADER)).isEqualTo("HTTP/2.0");
      assertThat(first.tls().newConnection()).isTrue();
      assertThat(first.tls().certificateSent()).isTrue();
      assertThat(first.tls().serverChain()).startsWith(PKI.server.certificate());
      assertThat(second.status()).isEqualTo(404);
      assertThat(second.tls().newConnection()).isFalse();
    }
    assertThat(events.all(ClientHandshake.class)).singleElement().satisfies(handshake -> {
      assertThat(handshake.ourCertificate()).isEqualTo(PKI.alice.certificate());
      assertThat(handshake.serverVerdict().isTrusted()).isTrue();
    });
    assertThat(events.all(CompletedRequest.class))
        .extracting(CompletedRequest::status, CompletedRequest::newConnection, CompletedRequest::version)
        .containsExactly(tuple(200, true, HttpVersion.HTTP_2), tuple(404, false, HttpVersion.HTTP_2));
  }

  @Test
  void blocking_calls_from_many_threads_share_one_connection() throws Exception {
    H2TestServer h2 = H2TestServer.start(PKI.server, PKI.anchors(), TlsPolicy.PROTOCOLS);
    server = h2;
    int threads = 8;
    ExecutorService callers = Executors.newFixedThreadPool(threads);
    try (MtlsClient client = client(HttpVersion.HTTP_2).build()) {
      List<Future<MtlsResponse>> responses = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        responses.add(callers.submit(() -> client.get(h2.url("/together/" + threads))));
      }
      for (Future<MtlsResponse> response : responses) {
        assertThat(response.get().status()).isEqualTo(200);
      }
      assertThat(client.handshakes()).isEqualTo(1);
    } finally {
      callers.shutdownNow();
    }
    assertThat(h2.connections()).isEqualTo(1);
  }

  @Test
  void falls_back_to_http1_against_a_server_that_does_not_offer_h2() throws Exception {
    TlsTestServer http1 = TlsTestServer.start(PKI.server, PKI.anchors(), TlsPolicy.PROTOCOLS);
    server = http1;
    try (MtlsClient client = client(HttpVersion.HTTP_2).build()) {
      List<CompletableFuture<MtlsResponse>> responses = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        responses.add(client.sendAsync("GET", URI.create(http1.url("/orders")), null, null));
      }
      for (CompletableFuture<MtlsResponse> response : responses) {
        assertThat(response.get().version()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(response.get().bodyText()).isEqualTo("hello CN=alice,OU=admins,O=mtls-reference test");
      }
      assertThat(client.get(http1.url("/orders")).version()).isEqualTo(HttpVersion.HTTP_1_1);
    }
    // Over HTTP/1.1 each request in flight has a connection of its own.
    assertThat(http1.requests.get()).isEqualTo(7);
    assertThat(http1.connections.get()).isBetween(1, 6);
  }

  @Test
  void the_default_client_speaks_http1_even_to_an_h2_server_and_async_too() throws Exception {
    H2TestServer h2 = H2TestServer.start(PKI.server, PKI.anchors(), TlsPolicy.PROTOCOLS);
    server = h2;
    try (MtlsClient client = client(HttpVersion.HTTP_1_1).build()) {
      assertThat(client.get(h2.url("/")).bodyText()).endsWith(" over HTTP/1.1");
      MtlsResponse async = client.sendAsync("POST", URI.create(h2.url("/")), new byte[] {1, 2, 3}, null).get();
      assertThat(async.version()).isEqualTo(HttpVersion.HTTP_1_1);
      assertThat(async.bodyText()).endsWith(" over HTTP/1.1 got 3 bytes");
    }
  }

  @Test
  void a_stream_without_an_answer_times_out_and_the_shared_connection_serves_on() throws Exception {
    H2TestServer h2 = H2TestServer.start(PKI.server, PKI.anchors(), TlsPolicy.PROTOCOLS);
    server = h2;
    // Connect, handshake and response: each request is bounded by the three together, 3 s.
    try (MtlsClient client = client(HttpVersion.HTTP_2).connectTimeout(Duration.ofSeconds(1))
        .handshakeTimeout(Duration.ofSeconds(1)).responseTimeout(Duration.ofSeconds(1)).build()) {
      assertThat(client.get(h2.url("/")).status()).isEqualTo(200);
      CompletableFuture<MtlsResponse> stuck = client.sendAsync("GET", URI.create(h2.url("/slow/4500")), null, null);
      long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      int answered = 0;
      while (System.nanoTime() < until) {
        // Real time is the subject: other streams keep the connection busy past the stuck one's deadline and past
        // its late answer.
        assertThat(client.get(h2.url("/")).status()).isEqualTo(200);
        answered++;
        Thread.sleep(50);
      }

      assertThatThrownBy(stuck::get).isInstanceOf(ExecutionException.class).cause()
          .isInstanceOfSatisfying(MtlsException.class,
              e -> assertThat(e.getDiagnosis().kind()).isEqualTo(Diagnosis.Kind.TIMEOUT));
      assertThat(answered).isGreaterThan(20);
      assertThat(client.handshakes()).as("the stuck stream did not take the connection with it").isEqualTo(1);
    }
    assertThat(events.all(FailedRequest.class)).singleElement()
        .satisfies(failed -> assertThat(failed.uri().getPath()).isEqualTo("/slow/4500"));
  }

  @Test
  void a_body_shorter_than_its_content_length_is_refused_and_the_connection_serves_on() throws Exception {
    H2TestServer h2 = H2TestServer.start(PKI.server, PKI.anchors(), TlsPolicy.PROTOCOLS);
    server = h2;
    try (MtlsClient client = client(HttpVersion.HTTP_2).build()) {
      assertThatThrownBy(() -> client.get(h2.url("/truncated"))).isInstanceOfSatisfying(MtlsException.class,
          e -> assertThat(e.getDiagnosis().technical())
              .contains("Premature end of Content-Length delimited message body (expected: 1000; received: 7)"));

      assertThat(client.get(h2.url("/")).status()).isEqualTo(200);
      assertThat(client.handshakes()).isEqualTo(1);
    }
  }

  @Test
  void a_response_whose_headers_exceed_the_bound_is_refused() throws Exception {
    H2TestServer h2 = H2TestServer.start(PKI.server, PKI.anchors(), TlsPolicy.PROTOCOLS);
    server = h2;
    try (MtlsClient client = client(HttpVersion.HTTP_2).build()) {
      assertThat(client.get(h2.url("/header/60000")).status()).as("within 64 KiB").isEqualTo(200);
      assertThatThrownBy(() -> client.get(h2.url("/header/70000"))).isInstanceOfSatisfying(MtlsException.class,
          e -> assertThat(e.getDiagnosis().technical()).contains("Maximum header list size exceeded"));
    }
  }

  private MtlsClientBuilder client(HttpVersion version) {
    return MtlsClient.builder().identity(Identity.of(PKI.alice.privateKey(), PKI.alice.chain()))
        .trust(TrustAnchors.of(PKI.anchors())).httpVersion(version).listener(ClientListener.forwardingTo(events));
  }
}
