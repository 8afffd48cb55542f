package dev.mtls.pki.material.trust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.testing.pki.RefusalMatrix;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The trust core alone over the whole refusal matrix; the e2e tests prove server, client and CLI agree. */
class RefusalMatrixTest {
  private static final RefusalMatrix MATRIX = new RefusalMatrix();
  private static final Trust TRUST = Trust.of(TrustAnchors.of(MATRIX.anchors()), CrlSet.of("matrix", MATRIX.crls()),
      MissingCrlPolicy.REFUSE);

  static List<RefusalMatrix.Case> cases() {
    return MATRIX.cases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gives_each_case_its_true_reason(RefusalMatrix.Case c) {
    Verdict verdict = TRUST.verify(c.identity().chain(), Purpose.CLIENT, Instant.now());

    assertThat(verdict.reason().name()).as(verdict.describe()).isEqualTo(c.reason());
  }
}
