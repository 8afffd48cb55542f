package dev.mtls.server.app;

import dev.mtls.pki.material.settings.Setting;
import dev.mtls.server.ConfigException;
import dev.mtls.testing.ClearError;
import dev.mtls.testing.ParserFuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever a configuration file says, loading it and reading every key as its setting declares (and the limits made
 * of them) gives values, or a {@link ConfigException} that names the file and line, the key and what is expected: no
 * other exception, no hang.
 */
class ServerConfigFuzzTest {
  @TempDir
  Path directory;

  @ParserFuzzTest
  void reads_or_refuses_any_configuration_file(byte[] input) throws Exception {
    Path file = Files.write(directory.resolve("server.conf"), input);
    ServerConfig config;
    try {
      config = ServerConfig.load(file);
    } catch (ConfigException e) {
      ClearError.assertClear(e, file + ":");
      return;
    }
    for (Setting<?> setting : ServerConfig.keys()) {
      ClearError.readsOrRefuses(ConfigException.class, file + ":", () -> config.get(setting));
    }
    ClearError.readsOrRefuses(ConfigException.class, file + ":", config::limits);
  }
}
