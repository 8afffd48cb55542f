package dev.mtls.client.cli;

import java.util.Arrays;
import java.util.Locale;

/**
 * How long each request of a load run took, in nanoseconds: with {@code --rate}, from the moment it was due (so a
 * request queued behind a slow one counts its wait, as a user would see it), otherwise from the moment it was sent.
 */
record Latencies(long[] nanos) {
  Latencies {
    nanos = nanos.clone();
    Arrays.sort(nanos);
  }

  /** The smallest latency at least {@code fraction} of the requests did not exceed (nearest rank). */
  long percentile(double fraction) {
    if (nanos.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(fraction * nanos.length);
    return nanos[Math.max(0, Math.min(nanos.length, rank) - 1)];
  }

  /** {@code p50 0.412 ms, p90 ..., p99 ..., max ...}. */
  String summary() {
    return String.format(Locale.ROOT, "p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms", millis(0.5),
        millis(0.9), millis(0.99), millis(1.0));
  }

  private double millis(double fraction) {
    return percentile(fraction) / 1e6;
  }
}
