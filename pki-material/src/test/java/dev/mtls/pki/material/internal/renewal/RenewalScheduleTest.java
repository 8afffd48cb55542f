package dev.mtls.pki.material.internal.renewal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RenewalScheduleTest {
  private static final Instant NOT_BEFORE = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant NOT_AFTER = NOT_BEFORE.plus(Duration.ofHours(24));

  @Test
  void is_due_at_two_thirds_of_the_lifetime_without_jitter() {
    assertThat(RenewalSchedule.due(NOT_BEFORE, NOT_AFTER, 0)).isEqualTo(NOT_BEFORE.plus(Duration.ofHours(16)));
  }

  @Test
  void jitter_moves_the_due_time_earlier_by_at_most_a_twentieth_of_the_lifetime() {
    Instant latest = RenewalSchedule.due(NOT_BEFORE, NOT_AFTER, 0);
    Instant earliest = RenewalSchedule.due(NOT_BEFORE, NOT_AFTER, 1);
    assertThat(Duration.between(earliest, latest)).isEqualTo(Duration.ofMinutes(72));
    assertThat(RenewalSchedule.due(NOT_BEFORE, NOT_AFTER, 0.5)).isBetween(earliest, latest);
  }

  @Test
  void backs_off_exponentially_up_to_five_minutes() {
    Instant now = NOT_BEFORE.plus(Duration.ofHours(17));
    assertThat(Duration.between(now, RenewalSchedule.retry(now, NOT_BEFORE, NOT_AFTER, 1))).hasSeconds(1);
    assertThat(Duration.between(now, RenewalSchedule.retry(now, NOT_BEFORE, NOT_AFTER, 2))).hasSeconds(2);
    assertThat(Duration.between(now, RenewalSchedule.retry(now, NOT_BEFORE, NOT_AFTER, 5))).hasSeconds(16);
    assertThat(Duration.between(now, RenewalSchedule.retry(now, NOT_BEFORE, NOT_AFTER, 40)))
        .isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void retries_a_short_lived_certificate_at_least_twelve_times_per_lifetime() {
    Instant notAfter = NOT_BEFORE.plus(Duration.ofMinutes(1));
    assertThat(Duration.between(NOT_BEFORE, RenewalSchedule.retry(NOT_BEFORE, NOT_BEFORE, notAfter, 30)))
        .hasSeconds(5);
  }

  @Test
  void is_running_out_below_a_sixth_of_the_lifetime() {
    assertThat(RenewalSchedule.runningOut(NOT_AFTER.minus(Duration.ofHours(5)), NOT_BEFORE, NOT_AFTER)).isFalse();
    assertThat(RenewalSchedule.runningOut(NOT_AFTER.minus(Duration.ofHours(3)), NOT_BEFORE, NOT_AFTER)).isTrue();
  }
}
