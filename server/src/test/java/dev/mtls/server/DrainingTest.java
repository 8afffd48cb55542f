package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.tls.TlsProbe;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Stopping lets requests in progress finish and serves what arrives meanwhile, each closing its connection. */
class DrainingTest {
  private final ServerFixture pki = new ServerFixture();

  private static final HttpHandler SLOW = new HttpHandler() {
    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
      if (exchange.isInIoThread()) {
        exchange.dispatch(this);
        return;
      }
      Thread.sleep(1_500);
      Responses.text(exchange, 200, "slow");
    }
  };

  @Test
  void a_request_on_an_open_connection_while_stopping_is_served_with_connection_close_not_503() throws Exception {
    MtlsServer server = pki.serverBuilder().route(Methods.GET, "/slow", Roles.anyClient(), SLOW).build().start();
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
      Thread.sleep(300);
      CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::close, threads);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!server.isDraining() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }

      TlsProbe.Response meanwhile = open.request("GET", "/whoami");

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
