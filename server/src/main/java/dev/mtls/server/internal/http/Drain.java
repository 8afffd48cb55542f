package dev.mtls.server.internal.http;

import dev.mtls.server.internal.tls.TlsConnection;
import dev.mtls.server.internal.tls.UnservedConnections;
import io.undertow.server.HttpHandler;
import io.undertow.server.SSLSessionInfo;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lets a server stop without failing a request. While draining, requests that arrive on connections already open are
 * still served, each answered with {@code Connection: close} (HTTP/2: the connection gets a GOAWAY once its streams are
 * done), so clients move to another instance after their response instead of receiving 503 (Undertow's
 * graceful-shutdown handler refuses them, which a client behind a balancer sees as a failed request). The server stops
 * once the requests in progress are done and the connections accepted before its listener closed have begun theirs
 * ({@link UnservedConnections}); a client whose idle keep-alive connection is closed then retries an idempotent
 * request on a new connection.
 */
public final class Drain {
  private final AtomicInteger active = new AtomicInteger();
  private final Object idle = new Object();
  private final UnservedConnections unserved;
  private volatile boolean draining;

  public Drain(UnservedConnections unserved) {
    this.unserved = unserved;
  }

  /** {@code next}, counted while it runs, and told to close its connection once the server drains. */
  public HttpHandler around(HttpHandler next) {
    return exchange -> {
      active.incrementAndGet();
      // After counting it: a stop that no longer waits for this connection waits for its request.
      SSLSessionInfo info = exchange.getConnection().getSslSessionInfo();
      if (info != null && info.getSSLSession() instanceof TlsConnection connection) {
        connection.requestBegan();
      }
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

  /**
   * Waits until the connections accepted so far have begun a request or closed, then until no request is in
   * progress, at most {@code millis} in all; whether both hold.
   */
  public boolean awaitIdle(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    if (!unserved.awaitNone(deadline)) {
      return false;
    }
    synchronized (idle) {
      while (active.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        idle.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
    return true;
  }
}
