package dev.mtls.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.pki.Issued;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Our own certificate chain judged by the trust core before connecting, at fixed times. */
class PreflightCheckTest {
  private static final Cast PKI = Cast.create();
  private static final Issued ALICE = PKI.alice;
  private static final Trust TRUST = Trust.of(TrustAnchors.of(PKI.anchors()));

  @Test
  void valid_certificate_is_trusted_and_not_blocking() {
    PreflightCheck.Report report = check(ALICE, ALICE.certificate().getNotBefore().toInstant().plusSeconds(3600));

    assertThat(report.verdict().isTrusted()).isTrue();
    assertThat(report.blocking()).isFalse();
    assertThat(report.warnings()).isEmpty();
  }

  @Test
  void expired_certificate_is_blocking_with_its_end_date() {
    Instant notAfter = ALICE.certificate().getNotAfter().toInstant();

    PreflightCheck.Report report = check(ALICE, notAfter.plusSeconds(3600));

    assertThat(report.blocking()).isTrue();
    assertThat(report.verdict().reason()).isEqualTo(Reason.EXPIRED);
    assertThat(report.verdict().sentence()).isEqualTo("the client certificate \"CN=alice,OU=admins,O=mtls-reference test\" expired on "
        + PreflightCheck.format(notAfter));
  }

  @Test
  void not_yet_valid_certificate_is_blocking_with_its_start_date() {
    // Starts tomorrow, while its CAs are valid now: the verdict names the leaf, not a CA made a second earlier.
    Instant notBefore = Instant.now().plus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Issued tomorrow = PKI.issuing.issue("CN=alice,OU=orders").client()
        .validity(notBefore, notBefore.plus(Duration.ofDays(30))).build();

    PreflightCheck.Report report = check(tomorrow, Instant.now());

    assertThat(report.blocking()).isTrue();
    assertThat(report.verdict().reason()).isEqualTo(Reason.NOT_YET_VALID);
    assertThat(report.verdict().sentence()).endsWith("is not valid before " + PreflightCheck.format(notBefore));
  }

  @Test
  void certificate_expiring_within_the_warning_period_is_a_warning_only() {
    Instant notAfter = ALICE.certificate().getNotAfter().toInstant();

    PreflightCheck.Report report = check(ALICE, notAfter.minus(Duration.ofDays(3)).minusSeconds(60));

    assertThat(report.blocking()).isFalse();
    assertThat(report.warnings()).containsExactly("our certificate chain expires on "
        + PreflightCheck.format(notAfter) + ", in 3 days");
  }

  @Test
  void server_certificate_lacks_client_auth() {
    Issued server = PKI.serverOnly;

    PreflightCheck.Report report = check(server, server.certificate().getNotBefore().toInstant().plusSeconds(3600));

    assertThat(report.blocking()).isTrue();
    assertThat(report.verdict().reason()).isEqualTo(Reason.WRONG_PURPOSE);
    assertThat(report.verdict().sentence()).isEqualTo("the client certificate \"CN=serveronly,OU=admins,O=mtls-reference test\" is not allowed for"
        + " TLS client authentication: its extended key usage [serverAuth] lacks clientAuth");
  }

  @Test
  void a_certificate_from_a_ca_we_do_not_trust_ourselves_is_not_blocking_unless_it_is_broken_anyway() {
    Instant now = Instant.now();
    Issued foreignExpired = PKI.foreignRoot.issue("CN=old mallory").expired().build();

    assertThat(check(PKI.foreignClient, now).verdict().reason()).isEqualTo(Reason.UNTRUSTED_ISSUER);
    assertThat(check(PKI.foreignClient, now).blocking()).isFalse();
    assertThat(check(foreignExpired, now).verdict().reason()).isEqualTo(Reason.EXPIRED);
    assertThat(check(foreignExpired, now).blocking()).isTrue();
  }

  @Test
  void client_refuses_to_send_a_server_certificate_before_connecting() {
    try (MtlsClient client = MtlsClient.builder().identity(Identity.of(PKI.serverOnly.privateKey(), PKI.serverOnly.chain())).trust(TrustAnchors.of(PKI.anchors()))
        .build()) {
      MtlsException failure = org.assertj.core.api.Assertions.catchThrowableOfType(MtlsException.class,
          () -> client.get("https://localhost:1/"));
      assertThat(failure.getDiagnosis().kind()).isEqualTo(Diagnosis.Kind.OWN_CERTIFICATE_NOT_FOR_CLIENTS);
      assertThat(failure.getDiagnosis().reason()).isEqualTo(Reason.WRONG_PURPOSE);
      assertThat(failure.getDiagnosis().sentence()).isEqualTo("Our certificate would be refused: not allowed for this"
          + " purpose: the client certificate \"CN=serveronly,OU=admins,O=mtls-reference test\" is not allowed for TLS client authentication: its"
          + " extended key usage [serverAuth] lacks clientAuth.");
      assertThat(failure.getDiagnosis().technical()).isEqualTo("pre-flight check before connecting; nothing was sent");
    }
  }

  private static PreflightCheck.Report check(Issued issued, Instant now) {
    return PreflightCheck.check(issued.chain(), TRUST, now, Duration.ofDays(14));
  }
}
