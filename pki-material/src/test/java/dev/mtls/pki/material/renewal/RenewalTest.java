package dev.mtls.pki.material.renewal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.Pems;
import dev.mtls.testing.pki.TestEstServer;
import dev.mtls.testing.pki.TestPki;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenewalTest {
  @TempDir
  Path directory;
  private final TestPki pki = TestPki.create();
  private final TestEstServer est = TestEstServer.start(pki.issuing, pki.server, pki.anchors(), Duration.ofHours(1));
  private final Recorder<RenewalEvent> events = new Recorder<>();
  private Renewal renewal;

  @AfterEach
  void stop() {
    if (renewal != null) {
      renewal.close();
    }
    est.close();
  }

  @Test
  void renews_a_certificate_past_two_thirds_of_its_life_over_est_and_asks_for_a_reload() throws Exception {
    Instant now = Instant.now();
    Issued old = pki.issuing.issue("CN=renewing,O=mtls-reference test")
        .validity(now.minus(Duration.ofMinutes(45)), now.plus(Duration.ofMinutes(15))).build();
    Issued.PemFiles files = old.writePem(directory, "me");
    AtomicInteger reloads = new AtomicInteger();

    renewal = Renewal.from(est.uri()).identityPem(files.chain(), files.key(), null)
        .trust(() -> Trust.of(TrustAnchors.of(pki.anchors()))).purpose(Purpose.CLIENT).listener(events::accept)
        .afterWrite(reloads::incrementAndGet).build().start();

    RenewalEvent.Renewed renewed = events.awaitFirst(RenewalEvent.Renewed.class);
    assertThat(renewed.oldSerial()).isEqualTo(old.certificate().getSerialNumber());
    assertThat(est.issued).containsExactly(renewed.newSerial());
    assertThat(Identity.loadPem(files.chain(), files.key(), null).certificate().getSerialNumber())
        .isEqualTo(renewed.newSerial());
    assertThat(reloads).hasValue(1);
    assertThat(renewal.expiresAt()).contains(renewed.notAfter());
  }

  @Test
  void completes_an_interrupted_replacement_before_anyone_reads_the_files() throws Exception {
    Issued old = pki.client("CN=renewing,O=mtls-reference test");
    Issued next = pki.client("CN=renewing,O=mtls-reference test");
    Issued.PemFiles files = old.writePem(directory, "me");
    Files.writeString(files.key(), Pems.of(next.privateKey()));
    Files.writeString(directory.resolve("me-chain.pem.renewing"), Pems.of(next.chain()));

    renewal = Renewal.from(est.uri()).identityPem(files.chain(), files.key(), null)
        .trust(() -> Trust.of(TrustAnchors.of(pki.anchors()))).purpose(Purpose.CLIENT).build();

    assertThat(Identity.loadPem(files.chain(), files.key(), null).certificate()).isEqualTo(next.certificate());
  }

  @Test
  void close_stops_the_renewal_thread() {
    Issued.PemFiles files = pki.client("CN=renewing,O=mtls-reference test").writePem(directory, "me");
    renewal = Renewal.from(est.uri()).identityPem(files.chain(), files.key(), null)
        .trust(() -> Trust.of(TrustAnchors.of(pki.anchors()))).purpose(Purpose.CLIENT).build().start();
    Eventually.await("the thread runs", renewal::isRunning);

    renewal.close();

    Eventually.await("the thread ends", () -> !renewal.isRunning());
  }

  @Test
  void refuses_a_source_that_is_not_an_https_est_url() {
    assertThatThrownBy(() -> Renewal.from(URI.create("http://ca.test:8080")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
  }
}
