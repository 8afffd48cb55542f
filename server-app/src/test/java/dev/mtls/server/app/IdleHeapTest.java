package dev.mtls.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class IdleHeapTest {
  @Test
  void sets_the_periodic_collection_once_and_leaves_an_interval_already_chosen_alone() {
    boolean set = IdleHeap.release(Duration.ofSeconds(15));
    assumeTrue(set, "this JVM's periodic collection was chosen on its command line, or it has no G1");

    assertThat(IdleHeap.interval()).isEqualTo(15_000);
    assertThat(IdleHeap.release(Duration.ofSeconds(20))).as("chosen now, by the first call").isFalse();
    assertThat(IdleHeap.interval()).isEqualTo(15_000);
  }
}
