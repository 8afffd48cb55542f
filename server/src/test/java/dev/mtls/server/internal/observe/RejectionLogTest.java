package dev.mtls.server.internal.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.Verdict;
import dev.mtls.server.Rejection;
import dev.mtls.server.ServerLoggers;
import dev.mtls.testing.LogCapture;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The rejection log's own test: a refusal flood becomes a few lines, and every refusal is still accounted for. */
class RejectionLogTest {
  @Test
  void logs_the_first_refusal_of_a_kind_whole_and_sums_up_the_rest_of_its_interval() throws Exception {
    try (LogCapture log = LogCapture.of(ServerLoggers.REFUSALS);
        RejectionLog rejections = new RejectionLog(Duration.ofMillis(300))) {
      for (int i = 0; i < 500; i++) {
        rejections.refused(rejection(10_000 + i, Verdict.noCertificate(Purpose.CLIENT)));
      }
      rejections.refused(rejection(20_000, Verdict.refusal(Reason.TOO_MANY_CONNECTIONS, Purpose.CLIENT,
          "this address already has 256 connections open")));

      assertThat(log.await(Level.WARN, line -> line.startsWith("499 more"))).containsExactly(
          "499 more client(s) rejected like this in the last 300 ms: no certificate");
      assertThat(log.messages(Level.WARN)).containsExactly(
          "rejected client 127.0.0.1:10000: no certificate; the client sent no certificate and this server requires"
              + " one",
          "rejected client 127.0.0.1:20000: too many connections from this address; this address already has 256"
              + " connections open",
          "499 more client(s) rejected like this in the last 300 ms: no certificate");
    }
  }

  @Test
  void a_refusal_after_the_interval_is_logged_whole_again() {
    AtomicLong nanos = new AtomicLong();
    try (LogCapture log = LogCapture.of(ServerLoggers.REFUSALS);
        RejectionLog rejections = new RejectionLog(Duration.ofMillis(100), nanos::get)) {
      rejections.refused(rejection(1, Verdict.noCertificate(Purpose.CLIENT)));
      nanos.addAndGet(Duration.ofMillis(150).toNanos());
      rejections.refused(rejection(2, Verdict.noCertificate(Purpose.CLIENT)));

      assertThat(log.messages(Level.WARN)).hasSize(2).allMatch(line -> line.startsWith("rejected client"));
    }
  }

  private static Rejection rejection(int port, Verdict verdict) {
    return new Rejection("127.0.0.1:" + port, verdict, Rejection.Stage.HANDSHAKE, false, Instant.now());
  }
}
