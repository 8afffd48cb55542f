package dev.mtls.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * Where a piece of material comes from: a loader and the files it reads. A source without files is fixed (given in
 * memory); one with files is loaded again when their content changes.
 */
record Source<T>(String what, List<Path> files, Supplier<T> loader) {
  Source {
    files = List.copyOf(files);
  }

  static <T> Source<T> fixed(String what, T value) {
    return new Source<>(what, List.of(), () -> value);
  }

  T load() {
    return loader.get();
  }

  /**
   * A digest of the files' current content (not their timestamps: editors, cert-manager's symlink swaps and coarse
   * mtimes all make timestamps unreliable); a missing file counts as content of its own.
   */
  String fingerprint() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Path file : files) {
        digest.update(file.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try {
          digest.update((byte) 1);
          digest.update(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
          digest.update((byte) 0);
        } catch (IOException e) {
          digest.update((byte) 2);
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }
}
