package dev.mtls.server.internal.http;

import io.undertow.server.HttpHandler;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lets a server stop without failing a request. While draining, requests that arrive on connections already open are
 * still served, each answered with {@code Connection: close} (HTTP/2: the connection gets a GOAWAY once its streams are
 * done), so clients move to another instance after their response instead of receiving 503 (Undertow's
 * graceful-shutdown handler refuses them, which a client behind a balancer sees as a failed request). The server stops
 * once the requests in progress are done; a client whose idle keep-alive connection is closed then retries an
 * idempotent request on a new connection.
 */
public final class Drain {
  private final AtomicInteger active = new AtomicInteger();
  private final Object idle = new Object();
  private volatile boolean draining;

  /** {@code next}, counted while it runs, and told to close its connection once the server drains. */
  public HttpHandler around(HttpHandler next) {
    return exchange -> {
      active.incrementAndGet();
      exchange.addExchangeCompleteListener((done, nextListener) -> {
        if (active.decrementAndGet() == 0 && draining) {
          synchronized (idle) {
            idle.notifyAll();
          }
        }
        nextListener.proceed();
      });
      if (draining) {
        ConnectionEnd.afterResponse(exchange);
      }
      next.handleRequest(exchange);
    };
  }

  /** From now on every response ends its connection. */
  public void start() {
    draining = true;
  }

  public boolean isDraining() {
    return draining;
  }

  /** Waits until no request is in progress, at most {@code millis}; whether none is. */
  public boolean awaitIdle(long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    synchronized (idle) {
      while (active.get() > 0) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return false;
        }
        idle.wait(left);
      }
    }
    return true;
  }
}
