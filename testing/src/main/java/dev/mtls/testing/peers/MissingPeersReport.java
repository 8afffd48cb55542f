package dev.mtls.testing.peers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where the summary of skipped tests goes: {@code target/missing-peers.txt} of the module under test, which the
 * build prints when the module's tests are done and, for the whole run, after the last module (the test JVM's own
 * output goes to report files, not to the console).
 */
final class MissingPeersReport {
  static final String FILE = "missing-peers.txt";

  private MissingPeersReport() {}

  static void print(String line) {
    Path basedir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    String module = basedir.getFileName() == null ? "" : basedir.getFileName() + ": ";
    try {
      Path target = Files.createDirectories(basedir.resolve("target"));
      Files.writeString(target.resolve(FILE), module + line + System.lineSeparator(), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // The skips are still in the test reports; the summary is a convenience.
    }
    System.out.println(line);
  }
}
