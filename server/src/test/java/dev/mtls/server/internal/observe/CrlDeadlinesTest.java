package dev.mtls.server.internal.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.mtls.server.CrlRunningOut;
import dev.mtls.server.MtlsServer;
import dev.mtls.server.ServerListener;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.LogCapture;
import dev.mtls.testing.MutableClock;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.pki.Pems;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A server says well before a CRL file it reads runs out: the seconds left and the validity as gauges, and a WARN with
 * a {@link CrlRunningOut} event once a quarter of the validity is left, once per CRL.
 */
@Isolated // reads a logger that tests running beside it would write to
class CrlDeadlinesTest {
  private static final String ISSUER = "CN=Test Issuing CA,O=mtls-reference test";

  private final ServerFixture pki = new ServerFixture();
  private final Recorder<Object> events = new Recorder<>();
  /** Whole seconds, as CRLs keep their times. */
  private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

  @TempDir
  Path dir;

  @Test
  void warns_once_when_a_crl_file_has_a_quarter_of_its_validity_left_and_counts_down_the_seconds() throws Exception {
    Path crls = writeCrls(1, clock.instant(), Duration.ofHours(4));
    try (MtlsServer server = start(crls); LogCapture log = LogCapture.of(CrlDeadlines.class)) {
      clock.advance(Duration.ofHours(2).plusMinutes(59));
      server.reload();
      assertThat(events.all(CrlRunningOut.class)).isEmpty();
      assertThat(secondsLeft(server, crls)).isEqualTo(61 * 60);

      clock.advance(Duration.ofMinutes(2));
      server.reload();
      server.reload();

      assertThat(events.all(CrlRunningOut.class)).singleElement().satisfies(warning -> {
        assertThat(warning.source()).isEqualTo(crls.toString());
        assertThat(warning.issuer()).isEqualTo(ISSUER);
        assertThat(warning.number()).isEqualTo(BigInteger.ONE);
        assertThat(warning.left()).isEqualTo(Duration.ofMinutes(59));
        assertThat(warning.at()).isEqualTo(clock.instant());
      });
      assertThat(log.messages(Level.WARN)).singleElement().asString().contains(ISSUER, crls.toString());
      assertThat(secondsLeft(server, crls)).isEqualTo(59 * 60);
      assertThat(server.meterRegistry().find("mtls.crl.validity.seconds").tag("source", crls.toString())
          .tag("issuer", ISSUER).gauge().value()).isEqualTo(4 * 3600);
    }
  }

  @Test
  void a_fresh_crl_in_its_place_is_not_warned_about_until_its_own_last_quarter() throws Exception {
    Path crls = writeCrls(1, clock.instant(), Duration.ofHours(4));
    try (MtlsServer server = start(crls)) {
      clock.advance(Duration.ofHours(3).plusMinutes(1));
      server.reload();
      writeCrls(2, clock.instant(), Duration.ofHours(4));
      server.reload();
      clock.advance(Duration.ofHours(2));
      server.reload();
      assertThat(events.all(CrlRunningOut.class)).extracting(CrlRunningOut::number).containsExactly(BigInteger.ONE);

      clock.advance(Duration.ofHours(1).plusMinutes(1));
      server.reload();

      assertThat(events.all(CrlRunningOut.class)).extracting(CrlRunningOut::number)
          .containsExactly(BigInteger.ONE, BigInteger.TWO);
    }
  }

  private MtlsServer start(Path crls) {
    return pki.serverBuilder().addCrlFile(crls).clock(clock).listener(ServerListener.forwardingTo(events)).build()
        .start();
  }

  /** The issuing CA's CRL number {@code number}, valid from {@code thisUpdate} for {@code validity}; the root's. */
  private Path writeCrls(long number, Instant thisUpdate, Duration validity) throws Exception {
    return Files.writeString(dir.resolve("crl.pem"), Pems.ofCrls(List.of(
        pki.issuing.crl().number(number).thisUpdate(thisUpdate).nextUpdate(thisUpdate.plus(validity)).build(),
        pki.root.crl().thisUpdate(thisUpdate).nextUpdate(thisUpdate.plus(Duration.ofDays(30))).build())));
  }

  private static double secondsLeft(MtlsServer server, Path crls) {
    return server.meterRegistry().find("mtls.crl.next.update.seconds").tag("source", crls.toString())
        .tag("issuer", ISSUER).gauge().value();
  }
}
