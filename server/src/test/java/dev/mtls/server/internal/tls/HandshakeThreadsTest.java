package dev.mtls.server.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HandshakeThreadsTest {
  @Test
  void a_server_whose_handshakes_may_wait_on_the_network_hands_their_work_to_its_own_threads() throws Exception {
    try (HandshakeThreads threads = HandshakeThreads.forServer(8, true)) {
      CompletableFuture<String> ranOn = new CompletableFuture<>();
      threads.execute(() -> ranOn.complete(Thread.currentThread().getName()));

      assertThat(ranOn.get(10, TimeUnit.SECONDS)).startsWith("mtls-handshake-");
    }
  }

  @Test
  void a_server_whose_handshakes_cannot_wait_runs_their_work_on_the_thread_that_hands_it_over() {
    try (HandshakeThreads threads = HandshakeThreads.forServer(8, false)) {
      String[] ranOn = new String[1];
      threads.execute(() -> ranOn[0] = Thread.currentThread().getName());

      assertThat(ranOn[0]).isEqualTo(Thread.currentThread().getName());
    }
  }

  @Test
  void closing_stops_the_threads_taking_work() {
    HandshakeThreads threads = HandshakeThreads.forServer(8, true);
    threads.close();

    assertThatThrownBy(() -> threads.execute(() -> { }))
        .isInstanceOf(RejectedExecutionException.class);
  }
}
