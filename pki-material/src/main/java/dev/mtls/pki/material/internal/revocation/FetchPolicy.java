package dev.mtls.pki.material.internal.revocation;

import java.time.Duration;
import java.time.Instant;

/**
 * How long fetching may take and how long what it gave counts: each exchange within {@code timeout}, an answer kept
 * at most {@code maxAge} after it was fetched, a failed source left alone for {@code retryAfter}.
 */
record FetchPolicy(Duration timeout, Duration maxAge, Duration retryAfter) {
  /** When a source that failed at {@code at} may be asked again. */
  Instant retryAt(Instant at) {
    return at.plus(retryAfter);
  }

  /** The latest an answer fetched at {@code at} may be relied on, whatever its nextUpdate says. */
  Instant keepUntil(Instant at) {
    return at.plus(maxAge);
  }

  /** What a source that let the timeout pass did. */
  String tooSlow() {
    return "did not answer within " + timeout.toMillis() + " ms";
  }
}
