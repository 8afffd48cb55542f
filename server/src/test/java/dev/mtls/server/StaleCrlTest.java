package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.mtls.pki.IssuedCertificate;
import dev.mtls.pki.Revocation;
import dev.mtls.pki.RevocationReason;
import dev.mtls.pki.material.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A CRL past its nextUpdate: refused by default, usable when explicitly allowed. */
class StaleCrlTest {
  static final TestPki pki = new TestPki();
  static final IssuedCertificate revoked = pki.client("CN=mallory,OU=readers,O=Demo");

  @Test
  void stale_crl_fails_start_up_by_default(@TempDir Path dir) throws IOException {
    Instant nextUpdate = Instant.now().minus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Path crl = writeCrl(dir, nextUpdate);

    assertThatThrownBy(() -> pki.serverBuilder().addCrlFile(crl).build()).isInstanceOf(ConfigException.class)
        .hasMessage(crl + ": the CRL of CN=Test Issuing CA,O=mtls-reference test is past its nextUpdate ("
            + nextUpdate + "); publish a fresh CRL, or allow stale CRLs");
  }

  @Test
  void stale_crl_is_used_with_a_warning_when_allowed(@TempDir Path dir) throws Exception {
    Path crl = writeCrl(dir, Instant.now().minus(Duration.ofHours(1)));
    try (LogCapture log = LogCapture.of(MtlsServer.class);
        MtlsServer server = pki.serverBuilder().addCrlFile(crl).allowStaleCrl(true).build().start()) {
      assertThat(log.messages(Level.WARN)).singleElement().asString()
          .endsWith("; using it because stale CRLs are allowed");
      assertThat(pki.clientFor(pki.bob).get(server.port(), "/whoami").status()).isEqualTo(200);
      assertThatThrownBy(() -> pki.clientFor(revoked).get(server.port(), "/whoami")).isInstanceOf(IOException.class);
    }
  }

  @Test
  void crl_that_goes_stale_while_running_refuses_its_issuers_clients(@TempDir Path dir) throws Exception {
    Path crl = writeCrl(dir, Instant.now().plus(Duration.ofHours(1)));
    MovableClock clock = new MovableClock();
    try (LogCapture rejections = LogCapture.of(RejectionLog.class);
        MtlsServer server = pki.serverBuilder().addCrlFile(crl).clock(clock).build().start()) {
      assertThat(pki.clientFor(pki.bob).get(server.port(), "/whoami").status()).isEqualTo(200);

      clock.advance(Duration.ofHours(2));

      assertThatThrownBy(() -> pki.clientFor(pki.alice).get(server.port(), "/whoami"))
          .isInstanceOf(IOException.class);
      List<String> lines = rejections.await(Level.WARN, line -> line.contains("revocation status unknown"));
      assertThat(lines).singleElement().asString().contains(": revocation status unknown; subject "
          + "\"CN=alice,OU=admins,O=Demo\", issuer \"CN=Test Issuing CA,O=mtls-reference test\"; the CRL for "
          + "issuer CN=Test Issuing CA,O=mtls-reference test is past its nextUpdate (");
    }
  }

  private static Path writeCrl(Path dir, Instant nextUpdate) throws IOException {
    Instant thisUpdate = nextUpdate.minus(Duration.ofDays(1));
    return Files.writeString(dir.resolve("crl.pem"), Pem.encode(pki.issuing.crl(
        List.of(new Revocation(revoked.certificate().getSerialNumber(), thisUpdate, RevocationReason.SUPERSEDED)),
        BigInteger.TWO, thisUpdate, nextUpdate)));
  }

  static final class MovableClock extends Clock {
    private volatile Instant now = Instant.now();

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
