package dev.mtls.pki.material.internal.trust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.AlgorithmPolicy;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.TestPki;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProposedPathTest {
  private final TestPki pki = TestPki.create();
  private final PkixAnchors anchors = new PkixAnchors(TrustAnchors.of(pki.anchors()), AlgorithmPolicy.STRICT);
  private final Issued alice = pki.client("CN=alice,O=mtls-reference test");
  private final X509Certificate issuing = pki.issuing.certificate();
  private final X509Certificate root = pki.root.certificate();

  @Test
  void a_chain_in_issuing_order_is_the_path_without_our_own_anchor_at_its_end() {
    assertThat(ProposedPath.from(List.of(alice.certificate(), issuing, root), anchors, Instant.now()))
        .contains(List.of(alice.certificate(), issuing));
  }

  @Test
  void a_chain_out_of_order_is_put_in_order_by_the_path_builder() {
    assertThat(ProposedPath.from(List.of(alice.certificate(), root, issuing), anchors, Instant.now()))
        .contains(List.of(alice.certificate(), issuing));
  }

  @Test
  void a_chain_without_its_issuer_proposes_nothing_and_says_so() {
    X509Certificate foreign = TestPki.named("CN=Foreign Root", "CN=Foreign Issuing").issuing.certificate();
    List<X509Certificate> offered = List.of(alice.certificate(), foreign);

    assertThat(ProposedPath.from(offered, anchors, Instant.now())).isEmpty();
    assertThat(ProposedPath.unbuildable(offered, Purpose.CLIENT)).isEqualTo(new Refusal(Reason.UNTRUSTED_ISSUER,
        "no path from the client certificate \"CN=alice,O=mtls-reference test\" to a trust anchor can be built from"
            + " the 2 certificates offered", 0));
  }
}
