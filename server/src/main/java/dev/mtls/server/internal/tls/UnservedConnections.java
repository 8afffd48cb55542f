package dev.mtls.server.internal.tls;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connections accepted that have begun no request yet. A server that stops waits for them as it waits for requests
 * in progress: a client whose connection was accepted just before the listener closed, still in its handshake or
 * about to send its request, gets its answer instead of a cut connection. Each is waited for only as long as a new
 * connection is given to get going (the handshake timeout from its accept), so a client that connects and sends
 * nothing does not hold the stop.
 */
public final class UnservedConnections {
  private final Set<Unserved> open = ConcurrentHashMap.newKeySet();
  private final long graceNanos;
  private final Object settled = new Object();
  private volatile boolean awaited;

  public UnservedConnections(Duration grace) {
    this.graceNanos = grace.toNanos();
  }

  /** A connection just accepted; it stays unserved until its first request begins or it closes. */
  Unserved accepted() {
    Unserved connection = new Unserved(System.nanoTime());
    open.add(connection);
    return connection;
  }

  /** How many there are now, those past their grace included. */
  public int count() {
    return open.size();
  }

  /**
   * Waits until every connection accepted so far is served, closed or past its grace, at most until
   * {@code deadlineNanos} ({@link System#nanoTime()}); whether they all are.
   */
  public boolean awaitNone(long deadlineNanos) throws InterruptedException {
    awaited = true;
    synchronized (settled) {
      while (true) {
        long now = System.nanoTime();
        long waitFor = 0; // until the youngest is past its grace
        for (Unserved connection : open) {
          waitFor = Math.max(waitFor, connection.acceptedAtNanos + graceNanos - now);
        }
        if (waitFor <= 0) {
          return true;
        }
        long left = deadlineNanos - now;
        if (left <= 0) {
          return false;
        }
        long nanos = Math.min(waitFor, left);
        settled.wait(Math.max(1, nanos / 1_000_000));
      }
    }
  }

  /** One connection that has begun no request yet. */
  final class Unserved {
    private final long acceptedAtNanos;
    private volatile boolean settledOnce;

    private Unserved(long acceptedAtNanos) {
      this.acceptedAtNanos = acceptedAtNanos;
    }

    /** Its first request began, or it closed; any later call does nothing. */
    void settle() {
      if (settledOnce) {
        return;
      }
      settledOnce = true;
      if (open.remove(this) && awaited) {
        synchronized (settled) {
          settled.notifyAll();
        }
      }
    }
  }
}
