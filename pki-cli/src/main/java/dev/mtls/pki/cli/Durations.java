package dev.mtls.pki.cli;

import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.settings.ValueType;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

/** Option values that count minutes or days, or are durations (24h, 10m, 90d), refused unless positive. */
final class Durations {
  private Durations() {}

  static Duration positive(String option, int value, ChronoUnit unit) {
    if (value <= 0) {
      throw new IllegalArgumentException(option + " must be positive, got " + value);
    }
    return Duration.of(value, unit);
  }

  /** {@code text} as a positive duration such as {@code 24h}, {@code 10m} or {@code 90d}. */
  static Duration parse(String option, String text) {
    try {
      return ValueType.positiveDuration().parse(text, null);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + " " + e.getMessage() + " (such as 24h, 10m or 90d), got '"
          + SafeText.escape(text) + "'");
    }
  }
}
