package dev.mtls.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.trust.CrlSet;
import dev.mtls.testing.MutableClock;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When {@code pki serve} signs new CRLs: after a revocation, half way through their validity, and not otherwise. */
class CrlPublisherTest {
  private static final char[] PASSWORD = "crl publisher test password".toCharArray();
  private static final Duration VALIDITY = Duration.ofHours(1);

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  private CaDirectory ca;
  private CrlPublisher publisher;

  @BeforeEach
  void createCa() {
    ca = CaDirectory.init(dir.resolve("ca"), PASSWORD, CaDirectory.InitOptions.defaults("Publisher Test")
        .withKeyEncryption(KeyEncryption.forTests()), false, clock);
    publisher = new CrlPublisher(ca, VALIDITY, clock);
  }

  @AfterEach
  void closeCa() {
    ca.close();
  }

  @Test
  void signs_the_first_crls_on_demand_with_the_given_validity_and_hands_them_out_until_something_changes() {
    CaDirectory.PublishedCrls first = publisher.current();
    clock.advance(Duration.ofMinutes(29));

    assertThat(publisher.current()).isSameAs(first);
    assertThat(numbers(first)).containsExactly(BigInteger.ONE, BigInteger.ONE);
    assertThat(first.issuing().getThisUpdate().toInstant()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
    assertThat(first.issuing().getNextUpdate().toInstant()).isEqualTo(Instant.parse("2026-03-01T11:00:00Z"));
    assertThat(first.root().getNextUpdate().toInstant()).isEqualTo(Instant.parse("2026-03-01T11:00:00Z"));
  }

  @Test
  void signs_new_crls_with_the_next_numbers_after_a_revocation_and_leaves_crl_pem_as_pki_crl_signed_it() {
    CaDirectory.PublishedCrls onFile = ca.generateCrl(Duration.ofDays(7));
    BigInteger alice = ca.issue(CertificateSpec.client("CN=alice").build()).certificate().getSerialNumber();
    CaDirectory.PublishedCrls before = publisher.current();

    ca.revoke(alice, RevocationReason.KEY_COMPROMISE);
    CaDirectory.PublishedCrls after = publisher.current();

    assertThat(before.issuing().getRevokedCertificate(alice)).isNull();
    assertThat(after.issuing().getRevokedCertificate(alice)).isNotNull();
    assertThat(numbers(after)).containsExactly(BigInteger.valueOf(3), BigInteger.valueOf(3));
    assertThat(Pem.loadCrls(dir.resolve("ca/crl.pem"))).as("what servers read outlasts the publisher")
        .containsExactly(onFile.issuing(), onFile.root());
  }

  @Test
  void keeps_crl_pem_current_with_the_validity_pki_crl_gave_it() {
    CaDirectory.PublishedCrls signed = ca.generateCrl(Duration.ofDays(30));
    BigInteger alice = ca.issue(CertificateSpec.client("CN=alice").build()).certificate().getSerialNumber();
    clock.advance(Duration.ofDays(1));
    assertThat(ca.refreshCrlFile()).as("nothing changed, not half way").isEmpty();

    ca.revoke(alice, RevocationReason.SUPERSEDED);
    CaDirectory.PublishedCrls revoked = ca.refreshCrlFile().orElseThrow();
    clock.advance(Duration.ofDays(14));
    assertThat(ca.refreshCrlFile()).isEmpty();
    clock.advance(Duration.ofDays(1));
    CaDirectory.PublishedCrls halfWay = ca.refreshCrlFile().orElseThrow();

    assertThat(revoked.issuing().getRevokedCertificate(alice)).isNotNull();
    assertThat(validity(revoked.issuing())).isEqualTo(Duration.ofDays(30));
    assertThat(validity(revoked.root())).isEqualTo(Duration.ofDays(30));
    assertThat(numbers(revoked)).containsExactly(BigInteger.TWO, BigInteger.TWO);
    assertThat(halfWay.issuing().getThisUpdate().toInstant()).isEqualTo(Instant.parse("2026-03-17T10:00:00Z"));
    assertThat(Pem.loadCrls(dir.resolve("ca/crl.pem"))).containsExactly(halfWay.issuing(), halfWay.root());
    assertThat(signed.issuing().getRevokedCertificate(alice)).isNull();
  }

  @Test
  void writes_crl_pem_for_seven_days_when_there_is_none_or_it_is_not_this_cas() throws Exception {
    CaDirectory.PublishedCrls first = ca.refreshCrlFile().orElseThrow();
    Files.writeString(dir.resolve("ca/crl.pem"), "not a CRL\n");
    CaDirectory.PublishedCrls second = ca.refreshCrlFile().orElseThrow();

    assertThat(validity(first.issuing())).isEqualTo(Duration.ofDays(7));
    assertThat(Pem.loadCrls(dir.resolve("ca/crl.pem"))).containsExactly(second.issuing(), second.root());
    assertThat(validity(second.issuing())).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void signs_a_new_root_crl_when_the_intermediate_is_revoked() {
    publisher.current();

    ca.revoke(ca.intermediate().getSerialNumber(), RevocationReason.CA_COMPROMISE);

    assertThat(publisher.current().root().getRevokedCertificate(ca.intermediate().getSerialNumber())).isNotNull();
  }

  @Test
  void issuing_a_certificate_changes_no_crl_and_signs_none() {
    CaDirectory.PublishedCrls first = publisher.current();

    ca.issue(CertificateSpec.client("CN=bob").build());

    assertThat(publisher.current()).isSameAs(first);
  }

  @Test
  void signs_new_crls_once_half_their_validity_has_passed() {
    CaDirectory.PublishedCrls first = publisher.current();
    clock.advance(Duration.ofMinutes(30));

    CaDirectory.PublishedCrls second = publisher.current();

    assertThat(numbers(second)).containsExactly(BigInteger.TWO, BigInteger.TWO);
    assertThat(second.issuing().getThisUpdate().toInstant()).isEqualTo(Instant.parse("2026-03-01T10:30:00Z"));
    assertThat(publisher.freshFor(first.issuing())).isZero();
    assertThat(publisher.freshFor(second.issuing())).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void caches_may_keep_a_crl_until_half_its_validity_not_until_its_next_update() {
    X509CRL crl = publisher.current().issuing();
    clock.advance(Duration.ofMinutes(10));

    assertThat(publisher.freshFor(crl)).isEqualTo(Duration.ofMinutes(20));
  }

  @Test
  void keeps_the_last_crls_while_another_command_holds_the_ca_until_their_next_update() throws Exception {
    CaDirectory.PublishedCrls first = publisher.current();
    try (FileChannel channel = FileChannel.open(dir.resolve("ca/.lock"), StandardOpenOption.WRITE);
        FileLock held = channel.lock()) {
      clock.advance(Duration.ofMinutes(45));
      assertThat(publisher.current()).isSameAs(first);

      clock.advance(Duration.ofMinutes(15));
      assertThatThrownBy(publisher::current).isInstanceOf(IllegalStateException.class);
    }

    assertThat(numbers(publisher.current())).containsExactly(BigInteger.TWO, BigInteger.TWO);
  }

  @Test
  void refuses_a_validity_that_is_not_positive_and_a_ca_opened_without_its_password() {
    assertThatThrownBy(() -> new CrlPublisher(ca, Duration.ZERO, clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("CRL validity must be positive, got PT0S");
    try (CaDirectory readOnly = CaDirectory.open(dir.resolve("ca"), null, clock)) {
      assertThatThrownBy(() -> new CrlPublisher(readOnly, VALIDITY, clock))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("this operation needs the CA key: give the CA password");
    }
  }

  private static Duration validity(X509CRL crl) {
    return Duration.between(crl.getThisUpdate().toInstant(), crl.getNextUpdate().toInstant());
  }

  private static List<BigInteger> numbers(CaDirectory.PublishedCrls crls) {
    return List.of(CrlSet.number(crls.issuing()), CrlSet.number(crls.root()));
  }
}
