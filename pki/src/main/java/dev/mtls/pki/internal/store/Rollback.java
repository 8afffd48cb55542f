package dev.mtls.pki.internal.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Takes back files written for a step that then failed, so that the step leaves nothing half done. */
public final class Rollback {
  private Rollback() {}

  /**
   * Removes {@code files} and returns {@code cause} to rethrow; a file that cannot be removed is named in a suppressed
   * exception of {@code cause}, which stays the error worth reporting.
   */
  public static RuntimeException remove(List<Path> files, RuntimeException cause) {
    for (Path file : files) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        cause.addSuppressed(new UncheckedIOException(file + ": written for a step that failed, and cannot be removed: "
            + e.getMessage(), e));
      }
    }
    return cause;
  }
}
