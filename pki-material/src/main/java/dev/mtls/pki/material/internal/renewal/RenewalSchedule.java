package dev.mtls.pki.material.internal.renewal;

import java.time.Duration;
import java.time.Instant;

/**
 * When to renew, as arithmetic on a certificate's validity: due at two thirds of its lifetime, moved earlier (never
 * later) by a jitter of at most a twentieth of the lifetime so that peers issued together do not all ask the CA in
 * the same second; after a failure, retried with bounded exponential back-off; "running out" below a sixth left.
 */
public final class RenewalSchedule {
  static final double DUE_SHARE = 2.0 / 3;
  static final double JITTER_SHARE = 1.0 / 20;
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  static final Duration LONGEST_RETRY = Duration.ofMinutes(5);

  private RenewalSchedule() {}

  /** The due time of a certificate valid from {@code notBefore} to {@code notAfter}; {@code jitter} in [0, 1]. */
  public static Instant due(Instant notBefore, Instant notAfter, double jitter) {
    if (jitter < 0 || jitter > 1) {
      throw new IllegalArgumentException("jitter must be in [0, 1]: " + jitter);
    }
    long lifetime = lifetimeMillis(notBefore, notAfter);
    return notBefore.plusMillis((long) (lifetime * DUE_SHARE) - (long) (lifetime * JITTER_SHARE * jitter));
  }

  /**
   * The next attempt after {@code failures} (1 or more) failures in a row at {@code now}: one second, doubled at
   * each failure, at most five minutes and at most a twelfth of the lifetime, so that a short-lived certificate is
   * retried many times before it expires.
   */
  public static Instant retry(Instant now, Instant notBefore, Instant notAfter, int failures) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures must be 1 or more: " + failures);
    }
    long cap = Math.max(FIRST_RETRY.toMillis(),
        Math.min(LONGEST_RETRY.toMillis(), lifetimeMillis(notBefore, notAfter) / 12));
    long delay = FIRST_RETRY.toMillis() << Math.min(failures - 1, 30);
    return now.plusMillis(Math.min(delay, cap));
  }

  /** Whether less than a sixth of the lifetime is left at {@code now}: time to warn a person. */
  public static boolean runningOut(Instant now, Instant notBefore, Instant notAfter) {
    long left = Duration.between(now, notAfter).toMillis();
    return left < lifetimeMillis(notBefore, notAfter) / 6;
  }

  private static long lifetimeMillis(Instant notBefore, Instant notAfter) {
    return Math.max(0, Duration.between(notBefore, notAfter).toMillis());
  }
}
