package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.Fingerprint;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.pki.Issued;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** A proxy is pinned by its key, written as sha256sum or openssl prints it; a name is never a pin. */
class ProxyKeysTest {
  static final ServerFixture pki = new ServerFixture();
  static final Issued proxy = pki.client("CN=edge-proxy,O=Demo");

  @Test
  void pins_the_key_written_as_sha256sum_or_openssl_prints_it_and_no_other_key_of_the_same_name() {
    String openssl = Fingerprint.publicKeySha256(proxy.certificate());
    String sha256sum = openssl.replace(":", "").toLowerCase(Locale.ROOT);
    Issued namesake = pki.client("CN=edge-proxy,O=Demo");

    assertThat(ProxyKeys.of(List.of(sha256sum)).pins(proxy.certificate())).isTrue();
    assertThat(ProxyKeys.of(List.of(openssl.toLowerCase(Locale.ROOT))).pins(proxy.certificate())).isTrue();
    assertThat(ProxyKeys.of(List.of(sha256sum)).pins(namesake.certificate())).isFalse();
    assertThat(ProxyKeys.ofCertificates(List.of(proxy.certificate())).fingerprints()).containsExactly(openssl);
  }

  @Test
  void a_name_or_a_short_fingerprint_is_refused_with_what_is_expected() {
    assertThatThrownBy(() -> ServerSettings.TRUSTED_PROXY_KEYS.parse("edge-proxy", null))
        .hasMessage("'edge-proxy' is not a SHA-256 fingerprint (64 hex digits, colons allowed)");
    assertThatThrownBy(() -> ServerSettings.TRUSTED_PROXY_KEYS.parse("AB:CD", null))
        .hasMessage("'AB:CD' is not a SHA-256 fingerprint (64 hex digits, colons allowed)");
    assertThatThrownBy(() -> ServerSettings.TRUSTED_PROXY_KEYS.parse(" , ", null)).hasMessage("no proxy key given");
  }
}
