package dev.mtls.server.internal.http;

import dev.mtls.server.Responses;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The plain-HTTP management listener, for probes and monitoring, without client certificates (keep it on loopback
 * or a private network): {@code /health}, {@code /ready}, {@code /metrics} (Prometheus) and {@code /status} (JSON).
 */
public final class ManagementListener {
  private final String host;
  private final int port;
  private final Undertow undertow;

  public ManagementListener(String host, int port, BooleanSupplier ready, PrometheusMeterRegistry metrics,
      Supplier<Map<String, Object>> status) {
    this.host = host;
    this.port = port;
    this.undertow = Undertow.builder()
        .addHttpListener(port, host)
        .setIoThreads(1)
        .setWorkerThreads(2)
        .setHandler(Handlers.routing()
            .get("/health", exchange -> Responses.text(exchange, 200, "ok"))
            .get("/ready", exchange -> {
              boolean up = ready.getAsBoolean();
              Responses.text(exchange, up ? 200 : 503, up ? "ready" : "not ready");
            })
            .get("/metrics", exchange -> {
              exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
              exchange.getResponseSender().send(metrics.scrape());
            })
            .get("/status", exchange -> Responses.json(exchange, 200, status.get())))
        .build();
  }

  public void start() {
    Endpoint.start(undertow, host, port, "management");
  }

  public int port() {
    return Endpoint.boundPort(undertow);
  }

  public void stop() {
    undertow.stop();
  }
}
