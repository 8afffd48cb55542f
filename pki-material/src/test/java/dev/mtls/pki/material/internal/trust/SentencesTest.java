package dev.mtls.pki.material.internal.trust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.testing.pki.TestPki;
import java.security.cert.CRLReason;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

class SentencesTest {
  @Test
  void names_revocation_reasons_as_rfc_5280_spells_them() {
    assertThat(Sentences.reason(CRLReason.KEY_COMPROMISE)).isEqualTo("keyCompromise");
    assertThat(Sentences.reason(CRLReason.CA_COMPROMISE)).isEqualTo("cACompromise");
    assertThat(Sentences.reason(CRLReason.AA_COMPROMISE)).isEqualTo("aACompromise");
    assertThat(Sentences.reason(CRLReason.CESSATION_OF_OPERATION)).isEqualTo("cessationOfOperation");
    assertThat(Sentences.reason(null)).isEqualTo("unspecified");
  }

  @Test
  void names_the_leaf_by_its_role_and_the_others_as_ca_certificates() {
    TestPki pki = TestPki.create();
    List<X509Certificate> path = pki.client("CN=alice,O=Demo").chain();

    assertThat(Sentences.which(0, path, Purpose.CLIENT)).isEqualTo("the client certificate \"CN=alice,O=Demo\"");
    assertThat(Sentences.which(0, path, Purpose.SERVER)).isEqualTo("the server certificate \"CN=alice,O=Demo\"");
    assertThat(Sentences.which(0, path, Purpose.ANY)).isEqualTo("the certificate \"CN=alice,O=Demo\"");
    assertThat(Sentences.which(1, path, Purpose.CLIENT))
        .isEqualTo("CA certificate \"CN=Test Issuing CA,O=mtls-reference test\"");
    assertThat(Sentences.which(-1, path, Purpose.CLIENT)).isEqualTo("the chain");
  }

  @Test
  void escapes_what_a_certificate_says_about_itself() {
    X509Certificate odd = TestPki.create().client("CN=evil\u001b[31m,O=Demo").certificate();

    assertThat(Sentences.name(odd)).doesNotContain("\u001b");
  }
}
