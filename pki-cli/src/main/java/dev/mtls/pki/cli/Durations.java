package dev.mtls.pki.cli;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/** Option values that count minutes or days, refused unless positive. */
final class Durations {
  private Durations() {}

  static Duration positive(String option, int value, ChronoUnit unit) {
    if (value <= 0) {
      throw new IllegalArgumentException(option + " must be positive, got " + value);
    }
    return Duration.of(value, unit);
  }
}
