package dev.mtls.demo;

import dev.mtls.server.ServerListener;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What the server told the demo, as typed events ({@code Rejection}, {@code ServedRequest}, ...), in order. The server
 * tells on its own threads, and may do so after the client has its answer: the demo waits for the event it expects,
 * with a deadline.
 */
final class ServerEvents {
  private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

  ServerListener listener() {
    return ServerListener.forwardingTo(events::add);
  }

  /** Drops what was told so far: the next call's events follow. */
  void forget() {
    events.clear();
  }

  /** The next event of {@code type}, skipping others; empty when none comes {@code within}. */
  <T> Optional<T> next(Class<T> type, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    try {
      for (long left = within.toNanos(); left > 0; left = deadline - System.nanoTime()) {
        Object event = events.poll(left, TimeUnit.NANOSECONDS);
        if (type.isInstance(event)) {
          return Optional.of(type.cast(event));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Optional.empty();
  }
}
