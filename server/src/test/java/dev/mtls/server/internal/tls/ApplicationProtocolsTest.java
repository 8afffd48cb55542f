package dev.mtls.server.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.trust.TlsPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server's ALPN answer: its own order, and h2 only on TLS that RFC 9113 allows it. */
class ApplicationProtocolsTest {
  @Test
  void answers_h2_before_http1_whatever_the_clients_order_and_nothing_when_neither_is_offered() {
    assertThat(ApplicationProtocols.choose(List.of("http/1.1", "h2"), true)).isEqualTo("h2");
    assertThat(ApplicationProtocols.choose(List.of("http/1.1", "h2"), false)).isEqualTo("http/1.1");
    assertThat(ApplicationProtocols.choose(List.of("h2"), false)).as("no_application_protocol").isNull();
    assertThat(ApplicationProtocols.choose(List.of("h2c", "spdy/3.1"), true)).isNull();
  }

  @Test
  void allows_h2_over_tls12_only_with_an_ephemeral_key_exchange_and_an_aead_cipher() {
    assertThat(ApplicationProtocols.allowsHttp2("TLSv1.3", "TLS_AES_128_GCM_SHA256")).isTrue();
    assertThat(ApplicationProtocols.allowsHttp2("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")).isTrue();
    assertThat(ApplicationProtocols.allowsHttp2("TLSv1.2", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256")).isTrue();
    // On RFC 9113's list of prohibited suites: no forward secrecy, or no AEAD.
    assertThat(ApplicationProtocols.allowsHttp2("TLSv1.2", "TLS_RSA_WITH_AES_128_GCM_SHA256")).isFalse();
    assertThat(ApplicationProtocols.allowsHttp2("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")).isFalse();
    assertThat(ApplicationProtocols.allowsHttp2("TLSv1.1", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")).isFalse();
  }

  @Test
  void every_suite_of_the_policy_allows_h2() {
    assertThat(TlsPolicy.CIPHER_SUITES).allMatch(suite -> ApplicationProtocols.allowsHttp2(
        suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_") ? "TLSv1.3" : "TLSv1.2", suite));
  }
}
