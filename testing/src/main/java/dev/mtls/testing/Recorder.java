package dev.mtls.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Records typed events as a system reports them (the server's handshakes, refusals and requests, the client's
 * connections, material reloads), so tests decide on events instead of log text. Events arrive on the threads
 * that produce them, often after the client has already seen the outcome: the {@code await} methods wait for
 * them with a deadline.
 *
 * <pre>{@code
 * Recorder<Object> events = new Recorder<>();
 * MtlsServer.builder()....listener(ServerListener.forwardingTo(events))...
 * Rejection rejection = events.awaitFirst(Rejection.class, r -> r.stage() == Stage.HANDSHAKE);
 * }</pre>
 */
public final class Recorder<E> implements Consumer<E> {
  private final List<E> events = new CopyOnWriteArrayList<>();
  private final Duration deadline;

  public Recorder() {
    this(Eventually.DEFAULT);
  }

  public Recorder(Duration deadline) {
    this.deadline = deadline;
  }

  @Override
  public void accept(E event) {
    events.add(event);
  }

  /** Everything recorded so far, in order. */
  public List<E> all() {
    return new ArrayList<>(events);
  }

  /** The events of {@code type} recorded so far, in order. */
  public <T extends E> List<T> all(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The events of {@code type} matching {@code condition}, waiting for the first of them. */
  public <T extends E> List<T> await(Class<T> type, Predicate<? super T> condition) {
    return Eventually.within(deadline).await("an event " + type.getSimpleName() + " matching the condition; recorded: "
        + events, () -> all(type).stream().filter(condition).toList(), found -> !found.isEmpty());
  }

  /** The first event of {@code type} matching {@code condition}, waiting for it. */
  public <T extends E> T awaitFirst(Class<T> type, Predicate<? super T> condition) {
    return await(type, condition).get(0);
  }

  /** The first event of {@code type}, waiting for it. */
  public <T extends E> T awaitFirst(Class<T> type) {
    return awaitFirst(type, event -> true);
  }

  /** Waits for the first event of {@code type}, then fails unless it is the only one. */
  public <T extends E> T awaitOnly(Class<T> type) {
    List<T> found = await(type, event -> true);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type.getSimpleName() + ", recorded " + found);
    }
    return found.get(0);
  }

  public void clear() {
    events.clear();
  }

  @Override
  public String toString() {
    return events.toString();
  }
}
