package dev.mtls.pki.material.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

class TlsPolicyTest {

  @Test
  void protocols_are_only_tls_1_3_and_1_2() {
    assertThat(TlsPolicy.PROTOCOLS).containsExactly("TLSv1.3", "TLSv1.2");
  }

  @Test
  void cipher_suites_are_only_aead_with_forward_secrecy() {
    assertThat(TlsPolicy.CIPHER_SUITES).isNotEmpty().allSatisfy(suite -> {
      assertThat(suite).containsAnyOf("_GCM_", "_CHACHA20_POLY1305_").doesNotStartWith("TLS_RSA_").doesNotStartWith("TLS_DHE_");
      assertThat(suite.startsWith("TLS_ECDHE_") || !suite.contains("_WITH_"))
          .as("%s is a TLS 1.3 suite or uses ECDHE", suite).isTrue();
      assertThat(suite).doesNotContain("CBC", "RC4", "3DES", "NULL", "anon", "SHA1");
    });
  }

  @Test
  void this_jdk_supports_every_policy_suite() {
    SSLContext context = TlsPolicy.context(null, PeerTrustManager.forServers(Trust::system, java.time.Clock.systemUTC(), null));

    assertThat(TlsPolicy.cipherSuites(context)).containsExactlyElementsOf(TlsPolicy.CIPHER_SUITES);
  }

  @Test
  void protocols_filter_keeps_only_allowed_ones_in_given_order() {
    assertThat(TlsPolicy.protocols(List.of("TLSv1", "TLSv1.2", "TLSv1.1"))).containsExactly("TLSv1.2");
  }

  @Test
  void refuses_protocol_list_without_an_allowed_protocol() {
    assertThatThrownBy(() -> TlsPolicy.protocols(List.of("TLSv1", "SSLv3")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no allowed TLS protocol in [TLSv1, SSLv3]; allowed: [TLSv1.3, TLSv1.2]");
  }

  @Test
  void parameters_restrict_protocols_and_suites_to_the_policy() {
    SSLContext context = TlsPolicy.context(null, PeerTrustManager.forServers(Trust::system, java.time.Clock.systemUTC(), null));

    SSLParameters parameters = TlsPolicy.parameters(context, List.of("TLSv1.2"));

    assertThat(parameters.getProtocols()).containsExactly("TLSv1.2");
    assertThat(parameters.getCipherSuites()).containsExactlyElementsOf(TlsPolicy.CIPHER_SUITES);
    assertThat(parameters.getUseCipherSuitesOrder()).isTrue();
  }
}
