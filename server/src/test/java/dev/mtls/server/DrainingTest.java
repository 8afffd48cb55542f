package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.tls.TlsProbe;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Stopping lets requests in progress finish and serves what arrives meanwhile, each closing its connection. */
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
      CompletableFuture<TlsProbe.Response> slow = CompletableFuture.supplyAsync(() -> {
        try {
          return busy.request("GET", "/slow");
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }, threads);
      assertThat(slowStarted.await(10, TimeUnit.SECONDS)).as("the slow request started").isTrue();
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
}
