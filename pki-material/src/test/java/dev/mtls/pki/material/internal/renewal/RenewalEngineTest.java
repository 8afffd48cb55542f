package dev.mtls.pki.material.internal.renewal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.KeyPairs;
import dev.mtls.pki.material.SubjectAltName;
import dev.mtls.pki.material.renewal.RenewalEvent;
import dev.mtls.pki.material.renewal.RenewalEvent.Failed;
import dev.mtls.pki.material.renewal.RenewalEvent.Renewed;
import dev.mtls.pki.material.renewal.RenewalFailure;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.LogCapture;
import dev.mtls.testing.MutableClock;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.Keys;
import dev.mtls.testing.pki.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

@Isolated // reads a logger that tests running beside it would write to
class RenewalEngineTest {
  private static final Duration LIFETIME = Duration.ofHours(1);
  private static final String SUBJECT = "CN=renewing client,O=mtls-reference test";

  @TempDir
  Path directory;
  private final TestPki pki = TestPki.create();
  private final MutableClock clock = MutableClock.now();
  private final Recorder<RenewalEvent> events = new Recorder<>();
  private final AtomicInteger reloads = new AtomicInteger();
  private Issued first;
  private Issued.PemFiles files;
  private TestCaEnroller ca;
  private RenewalEngine engine;

  @BeforeEach
  void issueTheFirstCertificate() {
    first = TestCaEnroller.first(pki.issuing, SUBJECT, clock.instant(), LIFETIME, Keys.ec());
    files = first.writePem(directory, "me");
    ca = new TestCaEnroller(pki.issuing, clock, LIFETIME);
    engine = new RenewalEngine(ca, new RenewalEngine.Parts("https://ca.test", new PairFiles(files.chain(),
        files.key(), null), Purpose.CLIENT, pki::anchors, clock, events::accept, reloads::incrementAndGet,
        Duration.ofMillis(10)));
  }

  @AfterEach
  void stop() {
    engine.close();
  }

  @Test
  void renews_at_the_due_time_with_a_new_key_and_the_same_names() throws Exception {
    engine.start();
    Instant due = Eventually.value("the first decision", engine::nextAttempt);
    assertThat(due).isBetween(clock.instant().plus(LIFETIME.multipliedBy(2).dividedBy(3)).minus(LIFETIME.dividedBy(20)),
        clock.instant().plus(LIFETIME.multipliedBy(2).dividedBy(3)));
    assertThat(ca.requests).hasValue(0);

    clock.set(due);
    Renewed renewed = events.awaitFirst(Renewed.class);

    Identity now = Identity.loadPem(files.chain(), files.key(), null);
    assertThat(renewed.oldSerial()).isEqualTo(first.certificate().getSerialNumber());
    assertThat(renewed.newSerial()).isEqualTo(now.certificate().getSerialNumber()).isNotEqualTo(renewed.oldSerial());
    assertThat(now.certificate().getPublicKey()).isNotEqualTo(first.certificate().getPublicKey());
    assertThat(KeyPairs.matches(now.certificate().getPublicKey(), now.privateKey())).isTrue();
    assertThat(now.certificate().getSubjectX500Principal()).isEqualTo(first.certificate().getSubjectX500Principal());
    assertThat(SubjectAltName.of(now.certificate())).isEqualTo(SubjectAltName.of(first.certificate()));
    assertThat(now.chain()).hasSize(first.chain().size());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.key()))).isEqualTo("rw-------");
    assertThat(renewed.nextDue()).isAfter(due);
    Eventually.await("the reload asked for", () -> reloads.get() == 1);
  }

  @Test
  void keeps_the_current_pair_and_backs_off_while_the_ca_is_down_then_resumes() throws Exception {
    ca.mood = TestCaEnroller.Mood.DOWN;
    String chainBefore = Files.readString(files.chain());
    String keyBefore = Files.readString(files.key());
    engine.start();
    clock.set(Eventually.value("the first decision", engine::nextAttempt));

    Failed firstFailure = events.awaitFirst(Failed.class);
    assertThat(firstFailure.reason()).isEqualTo(RenewalFailure.UNAVAILABLE);
    assertThat(Duration.between(firstFailure.at(), firstFailure.nextRetry())).hasSeconds(1);
    clock.advance(Duration.ofSeconds(1));
    Failed second = events.awaitFirst(Failed.class, f -> f.failures() == 2);
    assertThat(Duration.between(second.at(), second.nextRetry())).hasSeconds(2);
    clock.advance(Duration.ofSeconds(2));
    Failed third = events.awaitFirst(Failed.class, f -> f.failures() == 3);
    assertThat(Duration.between(third.at(), third.nextRetry())).hasSeconds(4);
    assertThat(Files.readString(files.chain())).isEqualTo(chainBefore);
    assertThat(Files.readString(files.key())).isEqualTo(keyBefore);
    assertThat(reloads).hasValue(0);

    ca.mood = TestCaEnroller.Mood.ISSUE;
    clock.advance(Duration.ofSeconds(4));
    Renewed renewed = events.awaitFirst(Renewed.class);
    assertThat(renewed.oldSerial()).isEqualTo(first.certificate().getSerialNumber());
    assertThat(Identity.loadPem(files.chain(), files.key(), null).certificate().getSerialNumber())
        .isEqualTo(renewed.newSerial());
  }

  @Test
  void reports_a_refusal_with_its_reason_and_writes_nothing() throws Exception {
    ca.mood = TestCaEnroller.Mood.REFUSE;
    String chainBefore = Files.readString(files.chain());
    engine.start();
    clock.set(Eventually.value("the first decision", engine::nextAttempt));

    Failed failed = events.awaitFirst(Failed.class);
    assertThat(failed.reason()).isEqualTo(RenewalFailure.REFUSED);
    assertThat(failed.message()).contains("revoked");
    assertThat(events.all(RenewalEvent.Started.class).get(0).serial()).isEqualTo(first.certificate().getSerialNumber());
    assertThat(Files.readString(files.chain())).isEqualTo(chainBefore);
  }

  @Test
  void refuses_an_answer_for_another_key_and_writes_nothing() throws Exception {
    ca.mood = TestCaEnroller.Mood.WRONG_KEY;
    String keyBefore = Files.readString(files.key());
    engine.start();
    clock.set(Eventually.value("the first decision", engine::nextAttempt));

    Failed failed = events.awaitFirst(Failed.class);
    assertThat(failed.reason()).isEqualTo(RenewalFailure.BAD_ANSWER);
    assertThat(failed.message()).contains("none for the new key");
    assertThat(Files.readString(files.key())).isEqualTo(keyBefore);
  }

  @Test
  void a_failed_write_is_reported_and_leaves_the_current_pair_in_place() throws Exception {
    Files.createDirectories(directory.resolve("me-chain.pem.renewing").resolve("in-the-way"));
    String chainBefore = Files.readString(files.chain());
    String keyBefore = Files.readString(files.key());
    engine.start();
    clock.set(Eventually.value("the first decision", engine::nextAttempt));

    Failed failed = events.awaitFirst(Failed.class);

    assertThat(failed.reason()).isEqualTo(RenewalFailure.WRITE_FAILED);
    assertThat(Files.readString(files.chain())).isEqualTo(chainBefore);
    assertThat(Files.readString(files.key())).isEqualTo(keyBefore);
    assertThat(directory.resolve("me.key.renewing")).doesNotExist();
    assertThat(reloads).hasValue(0);
  }

  @Test
  void does_not_ask_with_an_expired_certificate() {
    engine.start();
    clock.advance(LIFETIME.plusMinutes(1));

    Failed failed = events.awaitFirst(Failed.class);
    assertThat(failed.reason()).isEqualTo(RenewalFailure.CURRENT_UNUSABLE);
    assertThat(failed.message()).contains("expired");
    assertThat(ca.requests).hasValue(0);
  }

  @Test
  void follows_files_someone_else_replaced() {
    ca.mood = TestCaEnroller.Mood.DOWN;
    engine.start();
    clock.set(Eventually.value("the first decision", engine::nextAttempt));
    events.awaitFirst(Failed.class);

    Issued replacement = TestCaEnroller.first(pki.issuing, SUBJECT, clock.instant(), LIFETIME, Keys.ec());
    replacement.installPem(files.chain(), files.key());

    Eventually.await("the due time of the replacement", () -> engine.nextAttempt() != null
        && engine.nextAttempt().isAfter(clock.instant().plus(LIFETIME.dividedBy(2))));
  }

  @Test
  void warns_when_less_than_a_sixth_of_the_lifetime_is_left_and_renewal_still_fails() {
    ca.mood = TestCaEnroller.Mood.DOWN;
    try (LogCapture log = LogCapture.of(RenewalEngine.class)) {
      engine.start();
      clock.set(Eventually.value("the first decision", engine::nextAttempt));
      events.awaitFirst(Failed.class);
      assertThat(log.messages(Level.WARN)).isEmpty();

      clock.advance(LIFETIME.dividedBy(4));

      log.await(Level.WARN, line -> line.contains("less than a sixth of its lifetime"));
    }
  }

  @Test
  void close_stops_the_thread() {
    engine.start();
    Eventually.await("the thread runs", engine::isRunning);

    engine.close();

    Eventually.await("the thread ends", () -> !engine.isRunning());
  }
}
