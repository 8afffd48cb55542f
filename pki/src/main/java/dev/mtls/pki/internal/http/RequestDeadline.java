package dev.mtls.pki.internal.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * Closes the connection of a request whose body has not all arrived within the deadline. Undertow bounds the time of
 * the request line and headers ({@code REQUEST_PARSE_TIMEOUT}) and of silence ({@code IDLE_TIMEOUT}); a body sent a
 * byte at a time, each within the idle timeout, needs this. The timer runs on the connection's I/O thread.
 */
public final class RequestDeadline implements HttpHandler {
  private final HttpHandler next;
  private final long millis;

  /** Lets {@code next} handle requests whose body arrives within {@code deadline} of their headers. */
  public RequestDeadline(HttpHandler next, Duration deadline) {
    this.next = Objects.requireNonNull(next, "next == null");
    this.millis = deadline.toMillis();
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (!exchange.isRequestComplete()) {
      XnioExecutor.Key timer = exchange.getIoThread().executeAfter(() -> {
        if (!exchange.isRequestComplete()) {
          IoUtils.safeClose(exchange.getConnection());
        }
      }, millis, TimeUnit.MILLISECONDS);
      exchange.addExchangeCompleteListener((done, nextListener) -> {
        timer.remove();
        nextListener.proceed();
      });
    }
    next.handleRequest(exchange);
  }
}
