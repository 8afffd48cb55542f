package dev.mtls.pki.material.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.TestCa;
import dev.mtls.testing.pki.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x509.CRLReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrlSelectionTest {
  private final TestPki pki = TestPki.create();
  private final Issued alice = pki.client("CN=alice,O=mtls-reference test");
  private final X509CRL rootCrl = pki.root.crl().build();
  private final Instant now = Instant.now();

  @TempDir
  Path directory;

  private Verdict verify(MissingCrlPolicy missing, X509CRL... crls) {
    List<X509CRL> all = new ArrayList<>(List.of(crls));
    return Trust.of(TrustAnchors.of(pki.anchors()), CrlSet.of("test", all), missing)
        .verify(alice.chain(), Purpose.CLIENT, now);
  }

  @Test
  void the_newer_crl_decides_whichever_comes_first() {
    X509CRL older = pki.issuing.crl().number(1).build();
    X509CRL newer = pki.issuing.crl().number(2).revoke(alice.certificate()).build();

    assertThat(verify(MissingCrlPolicy.REFUSE, older, newer, rootCrl).reason()).isEqualTo(Reason.REVOKED);
    assertThat(verify(MissingCrlPolicy.REFUSE, newer, older, rootCrl).reason()).isEqualTo(Reason.REVOKED);
  }

  @Test
  void a_newer_crl_that_releases_a_hold_accepts_again_whichever_comes_first() {
    X509CRL onHold = pki.issuing.crl().number(7).revoke(alice.certificate(), CRLReason.certificateHold).build();
    X509CRL released = pki.issuing.crl().number(8).build();

    assertThat(verify(MissingCrlPolicy.REFUSE, onHold, released, rootCrl).isTrusted()).isTrue();
    assertThat(verify(MissingCrlPolicy.REFUSE, released, onHold, rootCrl).isTrusted()).isTrue();
    assertThat(verify(MissingCrlPolicy.REFUSE, onHold, rootCrl).reason()).isEqualTo(Reason.REVOKED);
  }

  @Test
  void a_crl_under_the_issuers_name_but_signed_by_another_key_never_counts() {
    TestCa impostor = TestPki.named(TestPki.ROOT, TestPki.ISSUING).issuing;
    X509CRL forged = impostor.crl().number(99).build();
    X509CRL genuine = pki.issuing.crl().number(1).revoke(alice.certificate()).build();

    assertThat(verify(MissingCrlPolicy.REFUSE, forged, genuine, rootCrl).reason()).isEqualTo(Reason.REVOKED);
    assertThat(verify(MissingCrlPolicy.REFUSE, forged, rootCrl).reason()).isEqualTo(Reason.REVOCATION_UNKNOWN);
  }

  @Test
  void a_crl_from_an_issuer_whose_key_usage_lacks_crl_sign_never_counts() {
    TestCa noCrlSign = pki.root.issue("CN=No CRL signing CA,O=mtls-reference test").ca(0)
        .keyUsage(org.bouncycastle.asn1.x509.KeyUsage.keyCertSign).buildCa();
    Issued dora = noCrlSign.client("CN=dora,O=mtls-reference test");
    X509CRL revokesDora = noCrlSign.crl().revoke(dora.certificate()).build();

    Verdict verdict = Trust.of(TrustAnchors.of(pki.anchors()), CrlSet.of("test", List.of(revokesDora, rootCrl)),
        MissingCrlPolicy.REFUSE).verify(dora.chain(), Purpose.CLIENT, now);

    assertThat(verdict.reason()).isEqualTo(Reason.REVOCATION_UNKNOWN);
    assertThat(verdict.index()).isZero();
  }

  @Test
  void a_crl_for_another_distribution_point_does_not_cover_the_certificate() {
    Issued erin = pki.issuing.issue("CN=erin,O=mtls-reference test").client().crlUrl("http://ca.example/a.crl")
        .build();
    var otherPoint = new org.bouncycastle.asn1.x509.IssuingDistributionPoint(
        new org.bouncycastle.asn1.x509.DistributionPointName(new org.bouncycastle.asn1.x509.GeneralNames(
            new org.bouncycastle.asn1.x509.GeneralName(6, "http://ca.example/b.crl"))), false, false);
    X509CRL forPointB = pki.issuing.crl().revoke(erin.certificate())
        .extension(org.bouncycastle.asn1.x509.Extension.issuingDistributionPoint.getId(), true, otherPoint).build();

    Verdict verdict = Trust.of(TrustAnchors.of(pki.anchors()), CrlSet.of("test", List.of(forPointB, rootCrl)),
        MissingCrlPolicy.REFUSE).verify(erin.chain(), Purpose.CLIENT, now);

    assertThat(verdict.reason()).as("not REVOKED: that CRL speaks for point b only").isEqualTo(
        Reason.REVOCATION_UNKNOWN);
  }

  @Test
  void a_stale_crl_refuses_with_its_own_reason() {
    X509CRL stale = pki.issuing.crl().thisUpdate(now.minus(Duration.ofDays(2))).nextUpdate(now.minusSeconds(1))
        .build();

    Verdict verdict = verify(MissingCrlPolicy.ACCEPT, stale, rootCrl);

    assertThat(verdict.reason()).isEqualTo(Reason.CRL_STALE);
    assertThat(verdict.sentence()).contains("\"CN=Test Issuing CA,O=mtls-reference test\"", "nextUpdate");
  }

  @Test
  void an_issuer_without_a_crl_is_refused_or_accepted_as_configured() {
    X509CRL issuingCrl = pki.issuing.crl().build();

    Verdict refused = verify(MissingCrlPolicy.REFUSE, issuingCrl);
    Verdict accepted = verify(MissingCrlPolicy.ACCEPT, issuingCrl);

    assertThat(refused.reason()).isEqualTo(Reason.REVOCATION_UNKNOWN);
    assertThat(refused.index()).isEqualTo(1);
    assertThat(refused.sentence()).contains("no CRL signed by \"CN=Test Root CA,O=mtls-reference test\"");
    assertThat(accepted.isTrusted()).isTrue();
    assertThat(accepted.notes()).singleElement().asString().contains("missing-crl: accept");
  }

  @Test
  void an_intermediate_revoked_in_the_roots_crl_cuts_off_its_clients() {
    X509CRL rootRevokesIssuing = pki.root.crl().revoke(pki.issuing.certificate(), CRLReason.cACompromise).build();

    Verdict verdict = verify(MissingCrlPolicy.REFUSE, pki.issuing.crl().build(), rootRevokesIssuing);

    assertThat(verdict.reason()).isEqualTo(Reason.REVOKED);
    assertThat(verdict.index()).isEqualTo(1);
    assertThat(verdict.sentence()).contains("CA certificate \"CN=Test Issuing CA", "cACompromise");
  }

  @Test
  void a_trusted_verdict_holds_until_the_earliest_certificate_expiry_or_crl_next_update() {
    Instant nextUpdate = now.plus(Duration.ofHours(1));
    Verdict verdict = verify(MissingCrlPolicy.REFUSE, pki.issuing.crl().nextUpdate(nextUpdate).build(), rootCrl);

    assertThat(verdict.validUntil()).contains(Instant.ofEpochMilli(nextUpdate.toEpochMilli() / 1000 * 1000));
    assertThat(verdict.holdsAt(now)).isTrue();
    assertThat(verdict.holdsAt(nextUpdate.plusSeconds(1))).isFalse();
  }

  @Test
  void refuses_at_load_a_crl_with_an_unknown_critical_extension() throws Exception {
    X509CRL odd = pki.issuing.crl().extension("1.3.6.1.4.1.55555.2", true, DERNull.INSTANCE).build();
    Path file = Files.writeString(directory.resolve("odd.pem"), Pem.encode(odd));

    assertThatThrownBy(() -> CrlSet.load(file))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessageStartingWith(file + ": CRL 1 (issuer \"CN=Test Issuing CA,O=mtls-reference test\", number 1)")
        .hasMessageContaining("critical extension 1.3.6.1.4.1.55555.2");
  }

  @Test
  void refuses_at_load_a_delta_crl_and_a_crl_without_next_update() throws Exception {
    Path delta = Files.writeString(directory.resolve("delta.pem"), Pem.encode(pki.issuing.crl().delta(1).build()));
    Path endless = Files.writeString(directory.resolve("endless.pem"),
        Pem.encode(pki.issuing.crl().withoutNextUpdate().build()));

    assertThatThrownBy(() -> CrlSet.load(delta)).hasMessageContaining("is a delta CRL");
    assertThatThrownBy(() -> CrlSet.load(endless)).hasMessageContaining("has no nextUpdate");
  }
}
