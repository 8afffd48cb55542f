package dev.mtls.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/** Writes one {@link AccessLog} entry when each exchange completes, whatever handler answered it. */
public final class AccessLogHandler implements HttpHandler {
  private final HttpHandler next;
  private final AccessLog log;

  public AccessLogHandler(HttpHandler next, AccessLog log) {
    this.next = Objects.requireNonNull(next, "next == null");
    this.log = Objects.requireNonNull(log, "log == null");
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    long start = System.nanoTime();
    exchange.addExchangeCompleteListener((done, nextListener) -> {
      try {
        ClientIdentity identity = ClientIdentityHandler.identity(done);
        log.log(new AccessLog.Entry(done.getRequestMethod().toString(), done.getRequestPath(), done.getStatusCode(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
            identity == null ? null : identity.subject().toString(),
            identity == null ? null : identity.serialHex(),
            RoleMappingHandler.roles(done), ClientIdentityHandler.peer(done)));
      } finally {
        nextListener.proceed();
      }
    });
    next.handleRequest(exchange);
  }
}
