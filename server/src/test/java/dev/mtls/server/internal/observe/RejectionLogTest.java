package dev.mtls.server.internal.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.pki.material.trust.Verdict;
import dev.mtls.server.AbortedHandshake;
import dev.mtls.server.Rejection;
import dev.mtls.server.ServerLoggers;
import dev.mtls.testing.LogCapture;
import dev.mtls.testing.pki.Keys;
import dev.mtls.testing.pki.TestCa;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The rejection log's own test: a refusal flood becomes a few lines, whatever the peers choose to send, and every
 * refusal is still accounted for. Time is the test's own (no waiting for intervals to pass).
 */
@Isolated // reads a logger that tests running beside it would write to
class RejectionLogTest {
  private static final Duration INTERVAL = Duration.ofMillis(300);

  private final AtomicLong nanos = new AtomicLong();

  @Test
  void logs_the_first_refusal_of_a_kind_whole_and_sums_up_the_rest_of_its_interval() {
    try (LogCapture log = LogCapture.of(ServerLoggers.REFUSALS);
        RejectionLog rejections = new RejectionLog(INTERVAL, nanos::get)) {
      for (int i = 0; i < 500; i++) {
        rejections.refused(rejection(10_000 + i, Verdict.noCertificate(Purpose.CLIENT)));
      }
      rejections.refused(rejection(20_000, Verdict.refusal(Reason.TOO_MANY_CONNECTIONS, Purpose.CLIENT,
          "this address already has 256 connections open")));
      rejections.flush();
      assertThat(log.messages(Level.WARN)).hasSize(2);

      nanos.addAndGet(INTERVAL.toNanos());
      rejections.flush();

      assertThat(log.messages(Level.WARN)).containsExactly(
          "rejected client 127.0.0.1:10000: no certificate; the client sent no certificate and this server requires"
              + " one",
          "rejected client 127.0.0.1:20000: too many connections from this address; this address already has 256"
              + " connections open",
          "499 more client(s) rejected in the last 300 ms, of 1 kind(s): 499 no certificate");
    }
  }

  @Test
  void a_refusal_after_the_interval_is_logged_whole_again() {
    try (LogCapture log = LogCapture.of(ServerLoggers.REFUSALS);
        RejectionLog rejections = new RejectionLog(Duration.ofMillis(100), nanos::get)) {
      rejections.refused(rejection(1, Verdict.noCertificate(Purpose.CLIENT)));
      nanos.addAndGet(Duration.ofMillis(150).toNanos());
      rejections.refused(rejection(2, Verdict.noCertificate(Purpose.CLIENT)));

      assertThat(log.messages(Level.WARN)).hasSize(2).allMatch(line -> line.startsWith("rejected client"));
    }
  }

  /** The issuer is the peer's choice: a new one per handshake must not buy a new log line per handshake. */
  @Test
  void logs_at_most_its_budget_when_every_refusal_names_a_new_issuer() {
    Trust trust = Trust.of(TrustAnchors.of(List.of(TestCa.root("CN=The Only Root").certificate())));
    KeyPair key = Keys.ec();
    try (LogCapture log = LogCapture.of(ServerLoggers.REFUSALS);
        RejectionLog rejections = new RejectionLog(INTERVAL, nanos::get)) {
      for (int i = 0; i < 200; i++) {
        TestCa selfSigned = TestCa.root("CN=Rogue CA " + i, key, 0);
        Verdict verdict = trust.verify(List.of(selfSigned.issue("CN=mallory").key(key).build().certificate()),
            Purpose.CLIENT, Instant.now());
        assertThat(verdict.reason()).isEqualTo(Reason.UNTRUSTED_ISSUER);
        rejections.refused(rejection(10_000 + i, verdict));
      }
      nanos.addAndGet(INTERVAL.toNanos());
      rejections.flush();

      List<String> lines = log.messages(Level.WARN);
      assertThat(lines).hasSize(RejectionLog.WHOLE_LINES + 1);
      assertThat(lines.subList(0, RejectionLog.WHOLE_LINES)).allMatch(line -> line.startsWith("rejected client"));
      assertThat(lines.get(RejectionLog.WHOLE_LINES)).isEqualTo(
          "190 more client(s) rejected in the last 300 ms, of 190 kind(s): 190 not issued by a trusted CA");
    }
  }

  @Test
  void sums_up_client_aborted_handshakes_like_refusals() {
    try (LogCapture log = LogCapture.of(ServerLoggers.REFUSALS);
        RejectionLog rejections = new RejectionLog(INTERVAL, nanos::get)) {
      for (int i = 0; i < 200; i++) {
        rejections.aborted(new AbortedHandshake("127.0.0.1:" + (10_000 + i),
            "Received fatal alert: " + (i % 2 == 0 ? "certificate_unknown" : "bad_certificate"), Instant.now()));
      }
      nanos.addAndGet(INTERVAL.toNanos());
      rejections.flush();

      assertThat(log.messages(Level.INFO)).containsExactly(
          "client 127.0.0.1:10000 aborted the TLS handshake: Received fatal alert: certificate_unknown",
          "client 127.0.0.1:10001 aborted the TLS handshake: Received fatal alert: bad_certificate",
          "198 more client(s) aborted the TLS handshake in the last 300 ms, of 2 kind(s): 99 Received fatal alert:"
              + " certificate_unknown, 99 Received fatal alert: bad_certificate");
    }
  }

  @Test
  void close_sums_up_the_interval_in_progress() {
    try (LogCapture log = LogCapture.of(ServerLoggers.REFUSALS)) {
      RejectionLog rejections = new RejectionLog(INTERVAL, nanos::get);
      rejections.refused(rejection(1, Verdict.noCertificate(Purpose.CLIENT)));
      rejections.refused(rejection(2, Verdict.noCertificate(Purpose.CLIENT)));
      rejections.close();

      assertThat(log.messages(Level.WARN)).hasSize(2)
          .last().isEqualTo("1 more client(s) rejected in the last 300 ms, of 1 kind(s): 1 no certificate");
    }
  }

  private static Rejection rejection(int port, Verdict verdict) {
    return new Rejection("127.0.0.1:" + port, verdict, Rejection.Stage.HANDSHAKE, false, Instant.now());
  }
}
