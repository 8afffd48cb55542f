package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.server.app.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
  @TempDir
  Path dir;

  @Test
  void names_the_missing_crl_setting_and_refuses_the_removed_stale_crl_switch() throws Exception {
    Path file = Files.writeString(dir.resolve("server.conf"), "missing-crl = accept\n");
    Path old = Files.writeString(dir.resolve("old.conf"), "allow-stale-crl = true\n");

    assertThat(ServerConfig.load(file).get("missing-crl")).isEqualTo("accept");
    assertThatThrownBy(() -> ServerConfig.load(old)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(old + ":1: allow-stale-crl was removed: a CRL past its nextUpdate");
  }
}
