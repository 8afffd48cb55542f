package dev.mtls.server.internal.http;

import dev.mtls.server.Caller;
import dev.mtls.server.Route;
import dev.mtls.server.ServedRequest;
import dev.mtls.server.ServerListener;
import dev.mtls.server.internal.routing.RouteTable;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Protocols;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/** Tells the listeners about every request when its exchange completes, whatever handler answered it. */
final class RequestEvents implements HttpHandler {
  private final HttpHandler next;
  private final ServerListener listener;
  private final Clock clock;

  RequestEvents(HttpHandler next, ServerListener listener, Clock clock) {
    this.next = Objects.requireNonNull(next, "next == null");
    this.listener = Objects.requireNonNull(listener, "listener == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    long start = System.nanoTime();
    exchange.addExchangeCompleteListener((done, nextListener) -> {
      try {
        Route route = done.getAttachment(RouteTable.MATCHED);
        listener.served(new ServedRequest(PeerAddress.of(done), done.getRequestMethod().toString(),
            done.getRequestPath(), protocol(done), route == null ? null : route.name(), done.getStatusCode(),
            Duration.ofNanos(System.nanoTime() - start), done.getAttachment(Caller.KEY), clock.instant()));
      } finally {
        nextListener.proceed();
      }
    });
    next.handleRequest(exchange);
  }

  /** {@code HTTP/2} for a stream, else the request line's version (Undertow answers one it does not know with 400). */
  private static String protocol(HttpServerExchange exchange) {
    return Protocols.HTTP_2_0.equals(exchange.getProtocol()) ? "HTTP/2" : exchange.getProtocol().toString();
  }
}
