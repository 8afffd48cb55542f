package dev.mtls.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatenciesTest {
  @Test
  void percentiles_are_nearest_rank_of_the_sorted_latencies() {
    long[] nanos = new long[100];
    for (int i = 0; i < nanos.length; i++) {
      nanos[nanos.length - 1 - i] = (i + 1) * 1_000_000L; // 100 ms .. 1 ms, unsorted
    }
    Latencies latencies = new Latencies(nanos);

    assertThat(latencies.percentile(0.5)).isEqualTo(50_000_000L);
    assertThat(latencies.percentile(0.99)).isEqualTo(99_000_000L);
    assertThat(latencies.percentile(1.0)).isEqualTo(100_000_000L);
    assertThat(latencies.summary()).isEqualTo("p50 50.000 ms, p90 90.000 ms, p99 99.000 ms, max 100.000 ms");
  }

  @Test
  void one_slow_request_in_a_hundred_shows_at_the_max_not_at_p99() {
    long[] nanos = new long[100];
    java.util.Arrays.fill(nanos, 1_000_000L);
    nanos[7] = 900_000_000L;

    Latencies latencies = new Latencies(nanos);

    assertThat(latencies.percentile(0.99)).isEqualTo(1_000_000L);
    assertThat(latencies.percentile(1.0)).isEqualTo(900_000_000L);
  }

  @Test
  void no_requests_report_zero_rather_than_fail() {
    assertThat(new Latencies(new long[0]).summary()).isEqualTo("p50 0.000 ms, p90 0.000 ms, p99 0.000 ms, max 0.000 ms");
  }
}
