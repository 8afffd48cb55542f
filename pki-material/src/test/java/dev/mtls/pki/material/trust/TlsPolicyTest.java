package dev.mtls.pki.material;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

class TlsDefaultsTest {

  @Test
  void protocols_are_only_tls_1_3_and_1_2() {
    assertThat(TlsDefaults.PROTOCOLS).containsExactly("TLSv1.3", "TLSv1.2");
  }

  @Test
  void cipher_suites_are_only_aead_with_forward_secrecy() {
    assertThat(TlsDefaults.CIPHER_SUITES).isNotEmpty().allSatisfy(suite -> {
      assertThat(suite).containsAnyOf("_GCM_", "_CHACHA20_POLY1305_").doesNotStartWith("TLS_RSA_").doesNotStartWith("TLS_DHE_");
      assertThat(suite.startsWith("TLS_ECDHE_") || !suite.contains("_WITH_"))
          .as("%s is a TLS 1.3 suite or uses ECDHE", suite).isTrue();
      assertThat(suite).doesNotContain("CBC", "RC4", "3DES", "NULL", "anon", "SHA1");
    });
  }

  @Test
  void this_jdk_supports_every_policy_suite() {
    SSLContext context = TlsDefaults.context(null, TrustAnchors.system().trustManager());

    assertThat(TlsDefaults.cipherSuites(context)).containsExactlyElementsOf(TlsDefaults.CIPHER_SUITES);
  }

  @Test
  void protocols_filter_keeps_only_allowed_ones_in_given_order() {
    assertThat(TlsDefaults.protocols(List.of("TLSv1", "TLSv1.2", "TLSv1.1"))).containsExactly("TLSv1.2");
  }

  @Test
  void refuses_protocol_list_without_an_allowed_protocol() {
    assertThatThrownBy(() -> TlsDefaults.protocols(List.of("TLSv1", "SSLv3")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no allowed TLS protocol in [TLSv1, SSLv3]; allowed: [TLSv1.3, TLSv1.2]");
  }

  @Test
  void parameters_restrict_protocols_and_suites_to_the_policy() {
    SSLContext context = TlsDefaults.context(null, TrustAnchors.system().trustManager());

    SSLParameters parameters = TlsDefaults.parameters(context, List.of("TLSv1.2"));

    assertThat(parameters.getProtocols()).containsExactly("TLSv1.2");
    assertThat(parameters.getCipherSuites()).containsExactlyElementsOf(TlsDefaults.CIPHER_SUITES);
    assertThat(parameters.getUseCipherSuitesOrder()).isTrue();
  }
}
