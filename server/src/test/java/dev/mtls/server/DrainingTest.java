package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.tls.TlsProbe;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Stopping closes the listener, lets requests in progress finish, answers connections accepted before (even those
 * still in their handshake), and serves what arrives meanwhile on open connections, each closing its connection.
 */
class DrainingTest {
  private final ServerFixture pki = new ServerFixture();
  private final CountDownLatch slowStarted = new CountDownLatch(1);
  private final CountDownLatch slowMayFinish = new CountDownLatch(1);

  /** A request in progress: it starts, then waits until the test lets it finish. */
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

  @Test
  void a_request_on_an_open_connection_while_stopping_is_served_with_connection_close_not_503() throws Exception {
    MtlsServer server = pki.serverBuilder().route(Methods.GET, "/slow", Roles.anyClient(), slow).build().start();
    // Own threads: the common pool may have a single one on two cores, which would run the stop after the request.
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (TlsProbe.Connection open = pki.clientFor(pki.alice).connect(server.port());
        TlsProbe.Connection busy = pki.clientFor(pki.bob).connect(server.port())) {
      assertThat(open.request("GET", "/whoami").status()).isEqualTo(200);
      CompletableFuture<TlsProbe.Response> slow = slowRequestOn(busy, threads);
      CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::close, threads);
      Eventually.await("the server to start draining", server::isDraining);

      TlsProbe.Response meanwhile = open.request("GET", "/whoami");
      slowMayFinish.countDown();

      assertThat(meanwhile.status()).isEqualTo(200);
      assertThat(meanwhile.header("connection")).isEqualToIgnoringCase("close");
      assertThat(slow.get(10, TimeUnit.SECONDS).status()).as("the request in progress finished").isEqualTo(200);
      stopping.get(15, TimeUnit.SECONDS);
    } finally {
      server.close();
      threads.shutdownNow();
    }
  }

  @Test
  void a_connection_accepted_before_the_stop_and_still_in_its_handshake_gets_its_answer() throws Exception {
    try (MtlsServer server = pki.serverBuilder().build().start()) {
      TlsProbe.Response response = requestAfterTheStop(server, pki.clientFor(pki.alice));

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.header("connection")).isEqualToIgnoringCase("close");
    }
  }

  @Test
  void a_balancers_connection_accepted_before_the_stop_and_still_before_its_proxy_header_gets_its_answer()
      throws Exception {
    try (MtlsServer server = pki.serverBuilder().proxyProtocolFrom(Balancers.of(List.of("127.0.0.1"))).build()
        .start()) {
      TlsProbe.Response response = requestAfterTheStop(server, pki.clientFor(pki.alice)
          .preamble(BalancedListenerTest.proxyV2("203.0.113.7", 4242, server.port())));

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.header("connection")).isEqualToIgnoringCase("close");
    }
  }

  @Test
  void a_draining_server_accepts_no_new_connection() throws Exception {
    MtlsServer server = pki.serverBuilder().route(Methods.GET, "/slow", Roles.anyClient(), slow).build().start();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (TlsProbe.Connection busy = pki.clientFor(pki.bob).connect(server.port())) {
      CompletableFuture<TlsProbe.Response> slow = slowRequestOn(busy, threads);
      CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::close, threads);
      Eventually.await("the server to start draining", server::isDraining);

      // close() closes the listener before draining begins, and the port is let go once its I/O thread has
      // dropped it; without the close it never would be.
      Eventually.await("a new connection to be refused while the slow request still runs",
          () -> refusesConnections(server.port()));
      assertThat(slow).as("the request in progress").isNotDone();
      slowMayFinish.countDown();
      assertThat(slow.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
      stopping.get(15, TimeUnit.SECONDS);
    } finally {
      server.close();
      threads.shutdownNow();
    }
  }

  @Test
  void a_connection_that_sends_no_request_holds_the_stop_no_longer_than_the_handshake_timeout() throws Exception {
    MtlsServer server = pki.serverBuilder().limits(Limits.DEFAULTS.withHandshakeTimeout(Duration.ofSeconds(1)))
        .build().start();
    try (TlsProbe.Connection idle = pki.clientFor(pki.alice).connect(server.port())) {
      long started = System.nanoTime();
      server.close();

      // Draining waits up to 10 s for what it owes; this connection is owed nothing past its first second.
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      assertThat(idle.isClosedByServer()).isTrue();
    } finally {
      server.close();
    }
  }

  private static boolean refusesConnections(int port) {
    try (Socket late = new Socket()) {
      late.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      return false;
    } catch (ConnectException refused) {
      return true;
    } catch (IOException other) {
      return false;
    }
  }

  /**
   * Opens a TCP connection, stops the server once it has accepted it, and only then has {@code client} handshake
   * and send its request on it (a balancer's client: its PROXY header too).
   */
  private static TlsProbe.Response requestAfterTheStop(MtlsServer server, TlsProbe client) throws Exception {
    try (Socket accepted = new Socket()) {
      accepted.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
      Eventually.await("the server to accept the connection", () -> server.unservedConnections() == 1);
      CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::close);
      Eventually.await("the server to start draining", server::isDraining);
      TlsProbe.Response response;
      try (TlsProbe.Connection late = client.connect(accepted)) {
        response = late.request("GET", "/whoami");
      }
      stopping.get(15, TimeUnit.SECONDS);
      return response;
    }
  }

  /** Starts a request to /slow on {@code busy}; returns once the server is running it. */
  private CompletableFuture<TlsProbe.Response> slowRequestOn(TlsProbe.Connection busy, ExecutorService threads)
      throws InterruptedException {
    CompletableFuture<TlsProbe.Response> slow = CompletableFuture.supplyAsync(() -> {
      try {
        return busy.request("GET", "/slow");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, threads);
    assertThat(slowStarted.await(10, TimeUnit.SECONDS)).as("the slow request started").isTrue();
    return slow;
  }
}
