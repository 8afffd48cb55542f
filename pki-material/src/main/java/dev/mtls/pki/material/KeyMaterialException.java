package dev.mtls.pki.material;

import java.nio.file.Path;

/**
 * Key or trust material could not be used. The message always says which source (file, or "PEM text")
 * and what was wrong with it, so a CLI can print it as one line.
 */
public final class KeyMaterialException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public KeyMaterialException(String message) {
    super(message);
  }

  public KeyMaterialException(String message, Throwable cause) {
    super(message, cause);
  }

  static KeyMaterialException in(Path file, String problem) {
    return new KeyMaterialException(file + ": " + problem);
  }

  static KeyMaterialException in(Path file, String problem, Throwable cause) {
    return new KeyMaterialException(file + ": " + problem, cause);
  }
}
