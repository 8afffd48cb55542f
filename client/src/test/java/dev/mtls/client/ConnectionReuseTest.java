package dev.mtls.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.TlsPolicy;
import dev.mtls.testing.MutableClock;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.tls.TlsProbe;
import dev.mtls.testing.tls.TlsTestServer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Connection reuse with a client certificate, counted by the server. */
class ConnectionReuseTest {
  private static final Cast PKI = Cast.create();
  private TlsTestServer server;

  @AfterEach
  void stopServer() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void sequential_requests_share_one_handshake(String protocol) throws Exception {
    server = TlsTestServer.start(PKI.server, PKI.anchors(), List.of(protocol));
    try (MtlsClient client = client()) {
      for (int i = 0; i < 50; i++) {
        MtlsResponse response = client.get(server.url("/orders"));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.tls().newConnection()).isEqualTo(i == 0);
        assertThat(response.tls().protocol()).isEqualTo(protocol);
        // Read to its Content-Length, not to the end of the stream: the connection goes back to the pool.
        assertThat(response.bodyText()).isEqualTo("hello " + PKI.alice.certificate().getSubjectX500Principal().getName());
      }
      assertThat(client.handshakes()).isEqualTo(1);
    }
    assertThat(server.connections.get()).isEqualTo(1);
    assertThat(server.handshakes.get()).isEqualTo(1);
    assertThat(server.fullHandshakes.get()).isEqualTo(1);
  }

  @Test
  void a_body_cut_short_of_its_content_length_fails_instead_of_arriving_truncated() throws Exception {
    server = TlsTestServer.start(PKI.server, PKI.anchors(), List.of("TLSv1.3"));
    try (MtlsClient client = client()) {
      assertThatThrownBy(() -> client.get(server.url("/truncated"))).isInstanceOf(MtlsException.class);
      // The broken connection is not pooled: the next request makes a new one and is answered whole.
      MtlsResponse next = client.get(server.url("/orders"));
      assertThat(next.tls().newConnection()).isTrue();
      assertThat(next.bodyText()).startsWith("hello ");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void concurrent_threads_use_at_most_one_connection_each(String protocol) throws Exception {
    server = TlsTestServer.start(PKI.server, PKI.anchors(), List.of(protocol));
    int threads = 4;
    int requestsPerThread = 25;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (MtlsClient client = client()) {
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        tasks.add(() -> {
          int ok = 0;
          for (int i = 0; i < requestsPerThread; i++) {
            ok += client.get(server.url("/orders")).status() == 200 ? 1 : 0;
          }
          return ok;
        });
      }
      int ok = 0;
      for (Future<Integer> result : pool.invokeAll(tasks)) {
        ok += result.get();
      }
      assertThat(ok).isEqualTo(threads * requestsPerThread);
      assertThat(client.handshakes()).isBetween(1, threads);
    } finally {
      pool.shutdownNow();
    }
    assertThat(server.connections.get()).isBetween(1, threads);
    assertThat(server.handshakes.get()).isEqualTo(server.connections.get());
  }

  @Test
  void further_connections_resume_the_session_instead_of_a_full_handshake() throws Exception {
    server = TlsTestServer.start(PKI.server, PKI.anchors(), List.of("TLSv1.3"));
    try (MtlsClient client = MtlsClient.builder().identity(Identity.of(PKI.alice.privateKey(), PKI.alice.chain())).trust(TrustAnchors.of(PKI.anchors()))
        .maxConnections(2).build()) {
      // One request makes the session; then overlapping requests need a second connection, which may resume it.
      assertThat(client.get(server.url("/orders")).status()).isEqualTo(200);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        for (int round = 0; round < 5; round++) {
          List<Future<MtlsResponse>> results = new ArrayList<>();
          for (int t = 0; t < 2; t++) {
            results.add(pool.submit(() -> client.get(server.url("/orders"))));
          }
          for (Future<MtlsResponse> result : results) {
            assertThat(result.get().status()).isEqualTo(200);
            // A resumed session's chain is the one the server presented when the session was made.
            assertThat(result.get().tls().serverChain()).first().isEqualTo(PKI.server.certificate());
          }
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(client.handshakes()).isEqualTo(server.handshakes.get());
      // Only the first connection needs a full handshake; any further one resumes the TLS 1.3 session.
      assertThat(client.fullHandshakes()).isEqualTo(1);
      assertThat(server.fullHandshakes.get()).isEqualTo(1);
    }
    assertThat(server.connections.get()).isBetween(1, 2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void a_resumed_session_is_judged_again_and_refused_once_the_server_certificate_has_expired(String protocol)
      throws Exception {
    // A server certificate that expires long before the client's own (which the client checks before connecting).
    Issued shortLived = PKI.issuing.issue("CN=localhost").server().validFor(Duration.ofDays(1)).build();
    server = TlsTestServer.start(shortLived, PKI.anchors(), List.of(protocol));
    MutableClock clock = MutableClock.now();
    try (MtlsClient client = MtlsClient.builder().identity(Identity.of(PKI.alice.privateKey(), PKI.alice.chain())).trust(TrustAnchors.of(PKI.anchors()))
        .clock(clock).build()) {
      HttpGet first = new HttpGet(server.url("/orders"));
      first.setHeader("Connection", "close");
      assertThat(client.execute(first).status()).isEqualTo(200);
      clock.set(shortLived.certificate().getNotAfter().toInstant().plusSeconds(1));

      // The next connection resumes the session, which the trust core judges again instead of taking the first
      // handshake's word for it; refused, the session is dropped and the request, not sent, tries once more with a
      // full handshake, in which the server presents the same, expired, certificate.
      assertThatThrownBy(() -> client.get(server.url("/orders"))).isInstanceOfSatisfying(MtlsException.class,
          e -> assertThat(e.getDiagnosis().reason()).isEqualTo(Reason.EXPIRED));
      assertThat(client.fullHandshakes()).isEqualTo(2);
      assertThat(server.connections.get()).isEqualTo(3);
    }
  }

  @Test
  void an_idle_pooled_connection_is_not_reused_past_the_expiry_of_its_server_certificate() throws Exception {
    Instant now = Instant.now();
    Issued expiringSoon = PKI.issuing.issue("CN=localhost").server()
        .validity(now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofHours(1))).build();
    server = TlsTestServer.start(expiringSoon, PKI.anchors(), List.of("TLSv1.3"));
    Instant notAfter = expiringSoon.certificate().getNotAfter().toInstant();
    MutableClock clock = new MutableClock(notAfter.minusMillis(100));
    try (MtlsClient client = MtlsClient.builder().identity(Identity.of(PKI.alice.privateKey(), PKI.alice.chain()))
        .trust(TrustAnchors.of(PKI.anchors())).clock(clock).build()) {
      assertThat(client.get(server.url("/orders")).status()).isEqualTo(200);
      clock.set(notAfter.plusSeconds(1));
      // Real time is the subject: HttpClient's pool keeps a connection's idle deadline (here the 100 ms its server's
      // certificate had left) by the system clock, which no Clock reaches.
      Thread.sleep(300);

      // Without a bound on its idle time the pooled connection would carry this request to an expired server. A new
      // connection resumes the session, refused, then a full handshake, refused.
      assertThatThrownBy(() -> client.get(server.url("/orders"))).isInstanceOfSatisfying(MtlsException.class,
          e -> assertThat(e.getDiagnosis().reason()).isEqualTo(Reason.EXPIRED));
    }
    assertThat(server.connections.get()).isEqualTo(3);
  }

  /**
   * The pitfall this client avoids: HttpClient5's default user-token handler tags each TLS connection with
   * our principal, and a request without that token never gets the pooled connection back.
   */
  @Test
  void plain_httpclient_with_connection_state_handshakes_on_every_request() throws Exception {
    server = TlsTestServer.start(PKI.server, PKI.anchors(), List.of("TLSv1.3"));
    SSLContext context = TlsPolicy.context(Identity.of(PKI.alice.privateKey(), PKI.alice.chain()).keyManager(),
        TlsProbe.trustManager(PKI.anchors()));
    try (CloseableHttpClient plain = HttpClients.custom()
        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
            .setTlsSocketStrategy(ClientTlsStrategyBuilder.create().setSslContext(context).buildClassic())
            .build())
        .build()) {
      for (int i = 0; i < 5; i++) {
        plain.execute(new HttpGet(server.url("/orders")), response -> EntityUtils.toString(response.getEntity()));
      }
    }
    assertThat(server.connections.get()).isEqualTo(5);
  }

  private static MtlsClient client() {
    return MtlsClient.builder().identity(Identity.of(PKI.alice.privateKey(), PKI.alice.chain())).trust(TrustAnchors.of(PKI.anchors())).build();
  }
}
