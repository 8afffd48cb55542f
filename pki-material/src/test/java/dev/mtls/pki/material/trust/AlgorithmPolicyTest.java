package dev.mtls.pki.material.trust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.testing.pki.Keys;
import java.security.AlgorithmParameters;
import java.security.CryptoPrimitive;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AlgorithmPolicyTest {
  private static final Set<CryptoPrimitive> SIGNATURE = EnumSet.of(CryptoPrimitive.SIGNATURE);
  private static final Set<CryptoPrimitive> KEY_AGREEMENT = EnumSet.of(CryptoPrimitive.KEY_AGREEMENT);
  private final AlgorithmPolicy policy = AlgorithmPolicy.STRICT;

  @ParameterizedTest
  @ValueSource(strings = {"ecdsa_secp256r1_sha256", "ecdsa_secp384r1_sha384", "ecdsa_secp521r1_sha512", "ed25519",
      "rsa_pss_rsae_sha256", "rsa_pss_pss_sha384", "rsa_pkcs1_sha256", "SHA256withECDSA", "SHA384withRSA",
      "RSASSA-PSS", "Ed25519", "EdDSA", "EC", "RSA", "TLS_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDH", "XDH"})
  void permits_the_signature_schemes_and_algorithms_of_the_policy(String algorithm) {
    assertThat(policy.permits(SIGNATURE, algorithm, null)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ecdsa_sha1", "rsa_pkcs1_sha1", "dsa_sha256", "dsa_sha1", "ecdsa_sha224", "rsa_sha224",
      "ed448", "SHA1withRSA", "SHA1withECDSA", "SHA-1", "MD5withRSA", "SHA256withDSA", "DSA", "rsa_md5"})
  void refuses_sha1_md5_sha224_dsa_and_ed448_in_any_spelling(String algorithm) {
    assertThat(policy.permits(SIGNATURE, algorithm, null)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"x25519", "secp256r1", "secp384r1", "secp521r1"})
  void permits_the_policy_groups_for_key_exchange(String group) {
    assertThat(policy.permits(KEY_AGREEMENT, group, null)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"x448", "ffdhe2048", "ffdhe8192", "secp256k1", "sect283k1", "brainpoolP256r1"})
  void refuses_other_groups(String group) {
    assertThat(policy.permits(KEY_AGREEMENT, group, null)).isFalse();
  }

  @Test
  void refuses_pss_whose_parameters_use_sha1_for_the_digest_or_the_mask() throws Exception {
    assertThat(policy.permits(SIGNATURE, "RSASSA-PSS", pss("SHA-256", "SHA-256"))).isTrue();
    assertThat(policy.permits(SIGNATURE, "RSASSA-PSS", pss("SHA-1", "SHA-256"))).isFalse();
    assertThat(policy.permits(SIGNATURE, "RSASSA-PSS", pss("SHA-256", "SHA-1"))).isFalse();
  }

  @Test
  void judges_keys_by_their_encoding_whatever_provider_made_them() {
    assertThat(policy.problemWithKey(Keys.ec().getPublic())).isEmpty();
    assertThat(policy.problemWithKey(Keys.ec("secp384r1").getPublic())).isEmpty();
    assertThat(policy.problemWithKey(Keys.ed25519().getPublic())).isEmpty();
    assertThat(policy.problemWithKey(Keys.rsa(2048).getPublic())).isEmpty();
    assertThat(policy.problemWithKey(Keys.rsa(1024).getPublic()))
        .contains("a 1024-bit RSA key (at least 2048 bits are required)");
    assertThat(policy.problemWithKey(Keys.dsa().getPublic())).hasValueSatisfying(p -> assertThat(p).startsWith("a DSA key"));
    assertThat(policy.problemWithKey(Keys.ec("secp256k1").getPublic()))
        .contains("an EC key on curve secp256k1 (accepted: P-256, P-384, P-521)");
  }

  private static AlgorithmParameters pss(String digest, String maskDigest) throws Exception {
    AlgorithmParameters parameters = AlgorithmParameters.getInstance("RSASSA-PSS");
    parameters.init(new PSSParameterSpec(digest, "MGF1", new MGF1ParameterSpec(maskDigest), 32, 1));
    return parameters;
  }
}
