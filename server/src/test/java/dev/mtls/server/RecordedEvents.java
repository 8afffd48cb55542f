package dev.mtls.server;

import dev.mtls.pki.material.reload.MaterialEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Records every event a server reports, for tests that decide on typed events instead of log text. */
public final class RecordedEvents implements ServerListener {
  private final List<Rejection> rejections = new CopyOnWriteArrayList<>();
  private final List<ServedRequest> requests = new CopyOnWriteArrayList<>();
  private final List<MaterialEvent> material = new CopyOnWriteArrayList<>();
  private final List<AbortedHandshake> aborted = new CopyOnWriteArrayList<>();

  @Override
  public void aborted(AbortedHandshake handshake) {
    aborted.add(handshake);
  }

  @Override
  public void refused(Rejection rejection) {
    rejections.add(rejection);
  }

  @Override
  public void served(ServedRequest request) {
    requests.add(request);
  }

  @Override
  public void materialChanged(MaterialEvent event) {
    material.add(event);
  }

  public List<Rejection> all() {
    return new ArrayList<>(rejections);
  }

  public List<ServedRequest> requests() {
    return new ArrayList<>(requests);
  }

  /** The handshakes clients gave up on, waiting up to 10 s for the first. */
  public List<AbortedHandshake> awaitAborted() {
    return awaitIn(aborted, handshake -> true);
  }

  public List<MaterialEvent> material() {
    return new ArrayList<>(material);
  }

  public void clear() {
    rejections.clear();
    requests.clear();
    material.clear();
    aborted.clear();
  }

  /**
   * The rejections matching {@code condition}, waiting up to 10 s for the first: a TLS 1.3 server finishes judging
   * a client after the client's handshake has returned.
   */
  public List<Rejection> await(Predicate<Rejection> condition) {
    return awaitIn(rejections, condition);
  }

  /** The served requests matching {@code condition}, waiting up to 10 s for the first (they complete after the body). */
  public List<ServedRequest> awaitRequest(Predicate<ServedRequest> condition) {
    return awaitIn(requests, condition);
  }

  /** Exactly one rejection has arrived (waiting for it); returns it. */
  public Rejection single() {
    List<Rejection> first = await(rejection -> true);
    if (first.size() != 1) {
      throw new AssertionError("expected one rejection, got " + first);
    }
    return first.get(0);
  }

  private static <T> List<T> awaitIn(List<T> events, Predicate<T> condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      List<T> matching = events.stream().filter(condition).toList();
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
}
