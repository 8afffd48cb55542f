package dev.mtls.pki.material.trust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.testing.MutableClock;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.Keys;
import dev.mtls.testing.pki.TestCa;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;

/**
 * A trust anchor's own certificate bounds what is under it, as OpenSSL applies it by default (RFC 5280 6.1.1,
 * RFC 5937): its validity, its pathLen and its name constraints. The JDK's PKIX checks none of them for an anchor.
 */
class TrustAnchorConstraintsTest {
  private final MutableClock clock = MutableClock.now();

  private static Verdict verify(TestCa anchor, Issued leaf, Instant at) {
    return Trust.of(TrustAnchors.of(List.of(anchor.certificate()))).verify(leaf.chain(), Purpose.CLIENT, at);
  }

  @Test
  void refuses_a_chain_ending_at_an_expired_anchor_naming_the_anchor() {
    TestCa root = TestCa.selfSigned("CN=Expired Root,O=test").expired().buildCa();
    Issued alice = root.intermediate("CN=Issuing,O=test").client("CN=alice,O=test");

    Verdict verdict = verify(root, alice, clock.instant());

    assertThat(verdict.reason()).as(verdict.describe()).isEqualTo(Reason.ANCHOR_EXPIRED);
    assertThat(verdict.sentence()).contains("trust anchor").contains("Expired Root").contains("expired on");
  }

  @Test
  void refuses_a_chain_ending_at_an_anchor_not_valid_yet() {
    TestCa root = TestCa.selfSigned("CN=Future Root,O=test").notYetValid().buildCa();
    Issued alice = root.client("CN=alice,O=test");

    Verdict verdict = verify(root, alice, clock.instant());

    assertThat(verdict.reason()).as(verdict.describe()).isEqualTo(Reason.ANCHOR_NOT_YET_VALID);
    assertThat(verdict.sentence()).contains("Future Root").contains("not valid before");
  }

  @Test
  void a_verdict_holds_no_longer_than_its_anchor_and_is_refused_after() {
    Instant rootEnd = clock.instant().plus(Duration.ofDays(3));
    TestCa root = TestCa.selfSigned("CN=Short Root,O=test").validity(clock.instant().minus(Duration.ofDays(1)),
        rootEnd).buildCa();
    // The leaf outlives its root: only the root's end bounds the verdict.
    Issued alice = root.issue("CN=alice,O=test").validFor(Duration.ofDays(30)).build();
    Trust trust = Trust.of(TrustAnchors.of(List.of(root.certificate())));

    Verdict now = trust.verify(alice.chain(), Purpose.CLIENT, clock.instant());
    clock.advance(Duration.ofDays(4));
    Verdict after = trust.verify(alice.chain(), Purpose.CLIENT, clock.instant());

    assertThat(now.isTrusted()).as(now.describe()).isTrue();
    assertThat(now.validUntil()).isPresent();
    assertThat(now.validUntil().get()).isBeforeOrEqualTo(rootEnd.plusSeconds(1));
    assertThat(after.reason()).as(after.describe()).isEqualTo(Reason.ANCHOR_EXPIRED);
  }

  @Test
  void an_anchor_with_path_len_0_refuses_a_path_with_an_intermediate() {
    TestCa root = TestCa.selfSigned("CN=Flat Root,O=test").ca(0).buildCa();
    Issued direct = root.client("CN=direct,O=test");
    Issued below = root.intermediate("CN=Issuing,O=test").client("CN=below,O=test");

    Verdict accepted = verify(root, direct, clock.instant());
    Verdict refused = verify(root, below, clock.instant());

    assertThat(accepted.isTrusted()).as(accepted.describe()).isTrue();
    assertThat(refused.reason()).as(refused.describe()).isEqualTo(Reason.PATH_TOO_LONG);
    assertThat(refused.sentence()).contains("Flat Root").contains("pathLen 0");
  }

  @Test
  void an_anchor_with_path_len_1_allows_one_intermediate_and_refuses_two() {
    TestCa root = TestCa.selfSigned("CN=Root,O=test").ca(1).buildCa();
    TestCa issuing = root.issue("CN=Issuing,O=test").caWithoutPathLen().buildCa();
    Issued one = issuing.client("CN=one,O=test");
    Issued two = issuing.issue("CN=Sub,O=test").caWithoutPathLen().buildCa().client("CN=two,O=test");

    assertThat(verify(root, one, clock.instant()).isTrusted()).isTrue();
    assertThat(verify(root, two, clock.instant()).reason()).isEqualTo(Reason.PATH_TOO_LONG);
  }

  @Test
  void a_name_constrained_anchor_refuses_a_leaf_outside_its_constraints() {
    TestCa root = TestCa.selfSigned("CN=Constrained Root,O=test").permittedDns("allowed.example").buildCa();
    TestCa issuing = root.intermediate("CN=Issuing,O=test");
    Issued inside = issuing.issue("CN=inside,O=test").extendedKeyUsage(KeyPurposeId.id_kp_serverAuth).dns("api.allowed.example").build();
    Issued outside = issuing.issue("CN=outside,O=test").extendedKeyUsage(KeyPurposeId.id_kp_serverAuth).dns("bank.example").build();
    Trust trust = Trust.of(TrustAnchors.of(List.of(root.certificate())));

    Verdict accepted = trust.verify(inside.chain(), Purpose.SERVER, clock.instant());
    Verdict refused = trust.verify(outside.chain(), Purpose.SERVER, clock.instant());

    assertThat(accepted.isTrusted()).as(accepted.describe()).isTrue();
    assertThat(refused.reason()).as(refused.describe()).isEqualTo(Reason.NAME_CONSTRAINTS);
    assertThat(refused.sentence()).contains("Constrained Root");
  }

  @Test
  void a_name_constrained_anchor_refuses_an_intermediate_outside_its_constraints() {
    TestCa root = TestCa.selfSigned("CN=Constrained Root,O=test").permittedDns("allowed.example").buildCa();
    // The intermediate itself is outside: its own SAN names another domain.
    TestCa issuing = root.issue("CN=Issuing,O=test").ca(0).dns("bank.example").buildCa();
    Issued leaf = issuing.issue("CN=leaf,O=test").extendedKeyUsage(KeyPurposeId.id_kp_serverAuth).dns("api.allowed.example").build();

    Verdict refused = Trust.of(TrustAnchors.of(List.of(root.certificate()))).verify(leaf.chain(), Purpose.SERVER,
        clock.instant());

    assertThat(refused.reason()).as(refused.describe()).isEqualTo(Reason.NAME_CONSTRAINTS);
  }

  @Test
  void a_name_constrained_sub_ca_configured_as_the_anchor_issues_only_within_its_constraints() {
    TestCa root = TestCa.root("CN=Root,O=test");
    TestCa subCa = root.issue("CN=Partner CA,O=test").ca(0).permittedDns("partner.example").buildCa();
    Issued inside = subCa.issue("CN=inside,O=test").extendedKeyUsage(KeyPurposeId.id_kp_serverAuth)
        .dns("www.partner.example").build();
    Issued outside = subCa.issue("CN=outside,O=test").extendedKeyUsage(KeyPurposeId.id_kp_serverAuth)
        .dns("login.bank.example").build();
    Trust trust = Trust.of(TrustAnchors.of(List.of(subCa.certificate())));

    assertThat(trust.verify(inside.chain(), Purpose.SERVER, clock.instant()).isTrusted()).isTrue();
    Verdict refused = trust.verify(outside.chain(), Purpose.SERVER, clock.instant());
    assertThat(refused.reason()).as(refused.describe()).isEqualTo(Reason.NAME_CONSTRAINTS);
    assertThat(refused.sentence()).contains("Partner CA");
  }

  @Test
  void an_expired_anchor_next_to_its_renewed_certificate_with_the_same_key_does_not_refuse() {
    KeyPair key = Keys.ec();
    TestCa old = TestCa.selfSigned("CN=Root,O=test").key(key).expired().buildCa();
    TestCa renewed = TestCa.selfSigned("CN=Root,O=test").key(key).buildCa();
    Issued alice = old.client("CN=alice,O=test");

    Verdict verdict = Trust.of(TrustAnchors.of(List.of(old.certificate(), renewed.certificate())))
        .verify(alice.chain(), Purpose.CLIENT, clock.instant());

    assertThat(verdict.isTrusted()).as(verdict.describe()).isTrue();
    assertThat(verdict.anchor()).contains(renewed.certificate());
  }
}
