package dev.mtls.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Our own certificate checked at fixed times: each finding carries its dates. */
class PreflightCheckTest {
  private static final TestPki PKI = TestPki.INSTANCE;
  private static final X509Certificate ALICE = PKI.client.certificate();

  @Test
  void valid_certificate_has_no_findings() {
    assertThat(check(ALICE, ALICE.getNotBefore().toInstant().plus(Duration.ofDays(1))).findings()).isEmpty();
  }

  @Test
  void expired_certificate_is_blocking_with_its_end_date() {
    Instant notAfter = ALICE.getNotAfter().toInstant();
    PreflightCheck.Report report = check(ALICE, notAfter.plusSeconds(3600));
    assertThat(report.blocking()).get().isEqualTo(new PreflightCheck.Finding(Diagnosis.Kind.OWN_CERTIFICATE_EXPIRED,
        true, "our certificate CN=alice,OU=orders expired on " + PreflightCheck.format(notAfter) + " (it is now "
            + PreflightCheck.format(notAfter.plusSeconds(3600)) + ")"));
  }

  @Test
  void not_yet_valid_certificate_is_blocking_with_its_start_date() {
    Instant notBefore = ALICE.getNotBefore().toInstant();
    Instant now = notBefore.minusSeconds(7200);
    assertThat(check(ALICE, now).blocking()).get().isEqualTo(new PreflightCheck.Finding(
        Diagnosis.Kind.OWN_CERTIFICATE_NOT_YET_VALID, true, "our certificate CN=alice,OU=orders is not valid before "
            + PreflightCheck.format(notBefore) + " (it is now " + PreflightCheck.format(now)
            + "; is this machine's clock right?)"));
  }

  @Test
  void certificate_expiring_within_the_warning_period_is_a_warning_only() {
    Instant notAfter = ALICE.getNotAfter().toInstant();
    PreflightCheck.Report report = check(ALICE, notAfter.minus(Duration.ofDays(3)).minusSeconds(60));
    assertThat(report.blocking()).isEmpty();
    assertThat(report.warnings()).containsExactly(new PreflightCheck.Finding(
        Diagnosis.Kind.OWN_CERTIFICATE_EXPIRED, false,
        "our certificate CN=alice,OU=orders expires on " + PreflightCheck.format(notAfter) + ", in 3 days"));
  }

  @Test
  void server_certificate_lacks_client_auth() {
    X509Certificate server = PKI.serverAsClient.certificate();
    PreflightCheck.Report report = check(server, server.getNotBefore().toInstant().plusSeconds(3600));
    assertThat(report.blocking()).get().isEqualTo(new PreflightCheck.Finding(
        Diagnosis.Kind.OWN_CERTIFICATE_NOT_FOR_CLIENTS, true, "our certificate CN=not a client is not allowed "
            + "for TLS client authentication: its extended key usage [serverAuth] lacks clientAuth"));
  }

  @Test
  void client_refuses_to_send_a_server_certificate_before_connecting() {
    try (MtlsClient client = MtlsClient.builder().identity(PKI.serverAsClient.identity()).trust(PKI.trust())
        .build()) {
      MtlsException failure = org.assertj.core.api.Assertions.catchThrowableOfType(MtlsException.class,
          () -> client.get("https://localhost:1/"));
      assertThat(failure.getDiagnosis().kind()).isEqualTo(Diagnosis.Kind.OWN_CERTIFICATE_NOT_FOR_CLIENTS);
      assertThat(failure.getDiagnosis().sentence()).isEqualTo("Our certificate CN=not a client is not allowed for "
          + "TLS client authentication: its extended key usage [serverAuth] lacks clientAuth.");
      assertThat(failure.getDiagnosis().technical()).isEqualTo("pre-flight check before connecting; nothing was sent");
    }
  }

  private static PreflightCheck.Report check(X509Certificate certificate, Instant now) {
    return PreflightCheck.check(certificate, Clock.fixed(now, ZoneOffset.UTC), Duration.ofDays(14));
  }
}
