package dev.mtls.server;

import static dev.mtls.server.Http2Test.get;
import static dev.mtls.server.Http2Test.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.trust.Reason;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.h2.Hpack;
import dev.mtls.testing.h2.RawH2Client;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HTTP/2 connection the server must end (its client is no longer trusted, it is older than the maximum
 * lifetime, the server drains) gets a GOAWAY once its streams in progress are done: none of them is cut, and the
 * client takes its next request to a new connection.
 */
class Http2ConnectionEndTest {
  private final ServerFixture pki = new ServerFixture();
  private final Recorder<Object> events = new Recorder<>();
  private final CountDownLatch slowStarted = new CountDownLatch(1);
  private final CountDownLatch slowMayFinish = new CountDownLatch(1);

  @TempDir
  Path dir;

  /** A stream in progress: it starts, then waits until the test lets it finish. */
  private final HttpHandler slow = new HttpHandler() {
    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
      if (exchange.isInIoThread()) {
        exchange.dispatch(this);
        return;
      }
      slowStarted.countDown();
      slowMayFinish.await(10, TimeUnit.SECONDS);
      Responses.text(exchange, 200, "slow");
    }
  };

  private MtlsServerBuilder builder() {
    return pki.serverBuilder().route(Methods.GET, "/slow", Roles.anyClient(), slow)
        .listener(ServerListener.forwardingTo(events));
  }

  private CompletableFuture<HttpResponse<String>> slowRequest(HttpClient client, MtlsServer server)
      throws InterruptedException {
    CompletableFuture<HttpResponse<String>> response = client.sendAsync(get(server, "/slow"),
        HttpResponse.BodyHandlers.ofString());
    assertThat(slowStarted.await(10, TimeUnit.SECONDS)).as("the slow stream started").isTrue();
    return response;
  }

  @Test
  void refuses_a_revoked_client_on_its_next_stream_and_ends_the_connection_once_its_streams_are_done()
      throws Exception {
    Path crls = pki.writeCrls(dir.resolve("crl.pem"));
    try (MtlsServer server = builder().addCrlFile(crls).build().start()) {
      HttpClient bob = pki.http2Client(pki.bob);
      assertThat(send(bob, get(server, "/whoami")).version()).isEqualTo(HttpClient.Version.HTTP_2);
      CompletableFuture<HttpResponse<String>> inProgress = slowRequest(bob, server);

      pki.writeCrls(crls, pki.bob.certificate());
      server.reload();
      HttpResponse<String> refused = send(bob, get(server, "/whoami"));

      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.body()).contains("Your client certificate is no longer accepted: "
          + Reason.REVOKED.words());
      assertThat(events.awaitFirst(Rejection.class)).satisfies(rejection -> {
        assertThat(rejection.stage()).isEqualTo(Rejection.Stage.OPEN_CONNECTION);
        assertThat(rejection.verdict().reason()).isEqualTo(Reason.REVOKED);
      });
      assertThat(events.all(AcceptedHandshake.class)).as("the same connection").hasSize(1);

      slowMayFinish.countDown();
      assertThat(inProgress.get(10, TimeUnit.SECONDS).statusCode()).as("the stream in progress, not cut")
          .isEqualTo(200);
      Eventually.await("the server to end the connection", () -> server.openConnections() == 0);
      // A new connection's handshake refuses the certificate (one resuming the session would get 401 again).
      assertThatThrownBy(() -> send(pki.http2Client(pki.bob), get(server, "/whoami")))
          .isInstanceOf(IOException.class);
      assertThat(events.awaitFirst(Rejection.class, r -> r.stage() == Rejection.Stage.HANDSHAKE).verdict().reason())
          .isEqualTo(Reason.REVOKED);
    }
  }

  @Test
  void tells_a_revoked_client_goodbye_with_a_goaway_naming_its_last_stream() throws Exception {
    Path crls = pki.writeCrls(dir.resolve("crl.pem"));
    try (MtlsServer server = builder().addCrlFile(crls).build().start();
        RawH2Client bob = RawH2Client.open(pki.clientFor(pki.bob), server.port())) {
      bob.headers(1, RawH2Client.END_HEADERS | RawH2Client.END_STREAM, Hpack.request("GET", "/whoami"));
      bob.awaitEnded(1);
      assertThat(bob.goAway()).as("no GOAWAY while the client is trusted").isEmpty();

      pki.writeCrls(crls, pki.bob.certificate());
      server.reload();
      bob.headers(3, RawH2Client.END_HEADERS | RawH2Client.END_STREAM, Hpack.request("GET", "/whoami"));

      // The frames themselves: the refused stream is answered (401, above), then GOAWAY NO_ERROR says that no
      // stream after it was or will be processed, and the server closes.
      RawH2Client.GoAway goAway = bob.awaitGoAway(Duration.ofSeconds(15));
      assertThat(bob.ended()).as("both streams answered").isEqualTo(2);
      assertThat(goAway).isEqualTo(new RawH2Client.GoAway(3, RawH2Client.NO_ERROR));
      bob.awaitClosed(Duration.ofSeconds(15));
    }
  }

  @Test
  void ends_an_http2_connection_older_than_the_lifetime_though_it_is_never_idle() throws Exception {
    // Idle connections close at the lifetime anyway (the idle timeout is bounded by it): this one never idles long.
    try (MtlsServer server = builder().maxConnectionLifetime(Duration.ofSeconds(2)).build().start()) {
      HttpClient alice = pki.http2Client(pki.alice);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();

      while (events.all(AcceptedHandshake.class).size() < 2 && System.nanoTime() < deadline) {
        HttpResponse<String> response = send(alice, get(server, "/whoami"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        // Real time is the subject: a request every quarter second keeps the connection busy past its lifetime.
        Thread.sleep(250);
      }

      assertThat(events.all(AcceptedHandshake.class)).as("a new connection after the lifetime").hasSize(2);
    }
  }

  @Test
  void draining_ends_idle_http2_connections_and_serves_the_streams_of_busy_ones() throws Exception {
    MtlsServer server = builder().build().start();
    // Own threads: the common pool may have a single one on two cores, which would run the stop after the request.
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      HttpClient idle = pki.http2Client(pki.alice);
      HttpClient busy = pki.http2Client(pki.bob);
      assertThat(send(idle, get(server, "/whoami")).version()).isEqualTo(HttpClient.Version.HTTP_2);
      CompletableFuture<HttpResponse<String>> inProgress = slowRequest(busy, server);
      assertThat(server.openConnections()).isEqualTo(2);

      CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::close, threads);
      Eventually.await("the server to start draining", server::isDraining);
      Eventually.await("the idle connection to end", () -> server.openConnections() == 1);
      HttpResponse<String> meanwhile = send(busy, get(server, "/whoami"));
      slowMayFinish.countDown();

      assertThat(meanwhile.statusCode()).as("a new stream on a busy connection while draining").isEqualTo(200);
      assertThat(inProgress.get(10, TimeUnit.SECONDS).statusCode()).as("the stream in progress").isEqualTo(200);
      stopping.get(15, TimeUnit.SECONDS);
    } finally {
      server.close();
      threads.shutdownNow();
    }
  }
}
