package dev.mtls.server.internal.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The budget behind the rejection log: bounded in lines and in memory, whoever chooses the kinds. */
class LineBudgetTest {
  private final AtomicLong nanos = new AtomicLong();
  private final LineBudget budget = new LineBudget(Duration.ofSeconds(10), 3, 100, 4, nanos::get);

  @Test
  void writes_the_first_event_of_each_kind_whole_until_the_budget_is_spent() {
    assertThat(budget.offer("a", "A").whole()).isTrue();
    assertThat(budget.offer("a", "A").whole()).isFalse();
    assertThat(budget.offer("b", "B").whole()).isTrue();
    assertThat(budget.offer("c", "A").whole()).isTrue();
    assertThat(budget.offer("d", "B").whole()).isFalse();

    nanos.addAndGet(Duration.ofSeconds(10).toNanos());
    LineBudget.Decision next = budget.offer("d", "B");

    assertThat(next.whole()).isTrue();
    assertThat(next.ended().line("events")).isEqualTo("2 more events in the last 10 s, of 2 kind(s): 1 A, 1 B");
  }

  @Test
  void holds_a_bounded_number_of_kinds_and_groups_without_a_flushing_thread() {
    for (int i = 0; i < 100_000; i++) {
      budget.offer("kind " + i, "group " + i % 10);
    }

    assertThat(budget.kindsHeld()).isEqualTo(100);
    nanos.addAndGet(Duration.ofSeconds(10).toNanos());
    LineBudget.Summary summary = budget.flush();
    assertThat(summary.suppressed()).isEqualTo(100_000 - 3);
    assertThat(summary.moreKinds()).isTrue();
    assertThat(summary.byGroup()).hasSize(5).containsKey(LineBudget.OTHER_GROUP);
    assertThat(summary.line("events")).startsWith("99997 more events in the last 10 s, of more than 97 kind(s): ");
    assertThat(budget.kindsHeld()).isZero();
  }

  @Test
  void says_nothing_for_an_interval_that_wrote_everything_whole() {
    budget.offer("a", "A");
    nanos.addAndGet(Duration.ofSeconds(11).toNanos());

    assertThat(budget.flush()).isNull();
    assertThat(budget.offer("a", "A").whole()).isTrue();
  }
}
