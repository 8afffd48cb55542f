package dev.mtls.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Records every {@link Rejection} a server reports, for tests that decide on typed events. */
final class RecordedRejections implements RejectionListener {
  private final List<Rejection> rejections = new CopyOnWriteArrayList<>();

  @Override
  public void rejected(Rejection rejection) {
    rejections.add(rejection);
  }

  List<Rejection> all() {
    return new ArrayList<>(rejections);
  }

  void clear() {
    rejections.clear();
  }

  /**
   * The rejections matching {@code condition}, waiting up to 10 s for the first: a TLS 1.3 server finishes judging
   * a client after the client's handshake has returned.
   */
  List<Rejection> await(Predicate<Rejection> condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      List<Rejection> matching = rejections.stream().filter(condition).toList();
      if (!matching.isEmpty() || System.nanoTime() > deadline) {
        return matching;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return matching;
      }
    }
  }

  /** Exactly one rejection has arrived (waiting for it); returns it. */
  Rejection single() {
    List<Rejection> first = await(rejection -> true);
    if (first.size() != 1) {
      throw new AssertionError("expected one rejection, got " + first);
    }
    return first.get(0);
  }
}
