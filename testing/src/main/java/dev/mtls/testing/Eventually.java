package dev.mtls.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline, never for a fixed time: a test that waits on what it expects is as fast
 * as the system under test allows and fails with a message that says what did not happen.
 *
 * <pre>{@code
 * Eventually.await("the server to stop", () -> !FreePort.isListening(port));
 * Eventually.within(Duration.ofSeconds(30)).until("the CRL to be fetched", () -> responder.crlRequests() > 0);
 * }</pre>
 */
public final class Eventually {
  /** How long a test waits unless it says otherwise: long enough for a loaded CI machine, short for a hang. */
  public static final Duration DEFAULT = Duration.ofSeconds(10);
  private static final long POLL_NANOS = Duration.ofMillis(10).toNanos();

  private final Duration deadline;

  private Eventually(Duration deadline) {
    this.deadline = Objects.requireNonNull(deadline, "deadline == null");
  }

  public static Eventually within(Duration deadline) {
    return new Eventually(deadline);
  }

  /** Waits up to {@link #DEFAULT} until {@code condition} holds; fails naming {@code what}. */
  public static void await(String what, BooleanSupplier condition) {
    within(DEFAULT).until(what, condition);
  }

  /** Waits up to {@link #DEFAULT} until {@code probe} gives a non-null value, and returns it. */
  public static <T> T value(String what, Supplier<T> probe) {
    return within(DEFAULT).await(what, probe, Objects::nonNull);
  }

  /** Waits until {@code condition} holds; fails naming {@code what} and the deadline. */
  public void until(String what, BooleanSupplier condition) {
    await(what, condition::getAsBoolean, Boolean::booleanValue);
  }

  /** Waits until {@code probe}'s value satisfies {@code done}, and returns that value. */
  public <T> T await(String what, Supplier<T> probe, Predicate<? super T> done) {
    long end = System.nanoTime() + deadline.toNanos();
    T last;
    while (true) {
      last = probe.get();
      if (done.test(last)) {
        return last;
      }
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("waited " + describe(deadline) + " for " + what + "; last seen: " + last);
      }
      pause();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(POLL_NANOS / 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }

  private static String describe(Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
  }
}
