package dev.mtls.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.CryptoProvider;
import dev.mtls.server.ConfigException;
import dev.mtls.server.Http2Limits;
import dev.mtls.server.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
  @TempDir
  Path dir;

  @Test
  void names_the_line_of_a_renewal_source_that_is_not_an_https_est_url_and_refuses_renewing_a_keystore()
      throws Exception {
    String material = "trust = ca.crt\nroles = roles.conf\n";
    Path http = Files.writeString(dir.resolve("http.conf"), "certificate = tls.crt\nkey = tls.key\n" + material
        + "renew-from = http://ca.test:8080\n");
    Path keystore = Files.writeString(dir.resolve("p12.conf"), "keystore = tls.p12\nkeystore-password-file = pw\n"
        + material + "renew-from = https://ca.test:8444\n");
    Files.writeString(dir.resolve("pw"), "secret\n");

    assertThatThrownBy(() -> new ServerBinding(ServerConfig.load(http)).builder())
        .isInstanceOf(ConfigException.class).hasMessageStartingWith(http + ":5: renew-from")
        .hasMessageContaining("an EST server is an https URL");
    assertThatThrownBy(() -> new ServerBinding(ServerConfig.load(keystore)).builder())
        .isInstanceOf(ConfigException.class).hasMessageStartingWith(keystore + ":5: renew-from")
        .hasMessageContaining("cannot renew a keystore");
  }

  @Test
  void names_the_missing_crl_setting_and_refuses_the_removed_stale_crl_switch() throws Exception {
    Path file = Files.writeString(dir.resolve("server.conf"), "missing-crl = accept\n");
    Path old = Files.writeString(dir.resolve("old.conf"), "allow-stale-crl = true\n");

    assertThat(ServerConfig.load(file).get("missing-crl")).isEqualTo("accept");
    assertThatThrownBy(() -> ServerConfig.load(old)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(old + ":1: allow-stale-crl was removed: a CRL past its nextUpdate");
  }

  @Test
  void refuses_the_removed_trusted_proxy_roles_and_says_to_pin_the_proxys_key() throws Exception {
    Path old = Files.writeString(dir.resolve("old.conf"), "# proxies\ntrusted-proxy-roles = proxy\n");

    assertThatThrownBy(() -> ServerConfig.load(old)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(old + ":2: trusted-proxy-roles was removed: name rules cannot identify a proxy")
        .hasMessageContaining("pin the proxy's key with trusted-proxy-keys = the SHA-256 of its public key");
  }

  @Test
  void reads_every_limit_and_keeps_the_defaults_of_those_it_does_not_name() throws Exception {
    Path file = Files.writeString(dir.resolve("server.conf"), """
        handshake-timeout = 5s
        request-header-timeout = 2s
        max-connections-per-address = 16
        max-header-size = 16k
        max-request-body = 2m
        http2-max-concurrent-streams = 32
        http2-max-resets = 50
        http2-flood-window = 10s
        """);

    Limits limits = ServerConfig.load(file).limits();

    assertThat(limits).isEqualTo(Limits.DEFAULTS.withHandshakeTimeout(Duration.ofSeconds(5))
        .withRequestHeaderTimeout(Duration.ofSeconds(2)).withMaxConnections(4096, 16)
        .withMaxHeaders(16 * 1024, 100).withMaxRequestBodyBytes(2 * 1024 * 1024)
        .withHttp2(Http2Limits.DEFAULTS.withMaxConcurrentStreams(32).withFloods(50, 1000, Duration.ofSeconds(10))));
  }

  @Test
  void names_the_line_of_an_http2_frame_size_the_protocol_does_not_allow() throws Exception {
    Path file = Files.writeString(dir.resolve("frame.conf"), "http2-max-frame-size = 16m\n");

    assertThatThrownBy(() -> ServerConfig.load(file).limits()).isInstanceOf(ConfigException.class)
        .hasMessage(file + ":1: http2-max-frame-size = '16m': must be at least 16384 and at most 16777215");
  }

  @Test
  void names_the_file_line_and_key_of_a_limit_that_is_not_a_size_or_too_small() throws Exception {
    Path words = Files.writeString(dir.resolve("words.conf"), "# limits\nmax-header-size = lots\n");
    Path tiny = Files.writeString(dir.resolve("tiny.conf"), "max-header-size = 100\n");

    assertThatThrownBy(() -> ServerConfig.load(words).limits()).isInstanceOf(ConfigException.class)
        .hasMessage(words + ":2: max-header-size = 'lots': expected a size: a number of bytes, or with k, m or g"
            + " (e.g. 32k)");
    assertThatThrownBy(() -> ServerConfig.load(tiny).limits()).isInstanceOf(ConfigException.class)
        .hasMessage(tiny + ":1: max-header-size = '100': must be at least 1024 and at most 2147483647");
  }

  @Test
  void names_the_line_of_a_header_size_or_a_duration_too_large_to_hold() throws Exception {
    Path size = Files.writeString(dir.resolve("size.conf"), "max-header-size = 2g\n");
    Path duration = Files.writeString(dir.resolve("duration.conf"), "idle-timeout = 999999999999999d\n");

    assertThatThrownBy(() -> ServerConfig.load(size).limits()).isInstanceOf(ConfigException.class)
        .hasMessage(size + ":1: max-header-size = '2g': must be at least 1024 and at most 2147483647");
    assertThatThrownBy(() -> ServerConfig.load(duration).limits()).isInstanceOf(ConfigException.class)
        .hasMessage(duration + ":1: idle-timeout = '999999999999999d': is too long a duration to hold; expected one"
            + " such as 500ms, 30s, 15m, 1h or 1d");
  }

  @Test
  void chooses_the_jdk_crypto_provider_unless_told_and_names_the_line_of_an_unknown_one() throws Exception {
    Path none = Files.writeString(dir.resolve("none.conf"), "# defaults\n");
    Path accp = Files.writeString(dir.resolve("accp.conf"), "crypto-provider = ACCP\n");
    Path unknown = Files.writeString(dir.resolve("unknown.conf"), "crypto-provider = fastest\n");

    assertThat(ServerConfig.load(none).cryptoProvider()).isEqualTo(CryptoProvider.JDK);
    assertThat(ServerConfig.load(accp).cryptoProvider()).isEqualTo(CryptoProvider.ACCP);
    assertThatThrownBy(() -> ServerConfig.load(unknown).cryptoProvider()).isInstanceOf(ConfigException.class)
        .hasMessage(unknown + ":1: crypto-provider = 'fastest': expected jdk or accp");
  }
}
