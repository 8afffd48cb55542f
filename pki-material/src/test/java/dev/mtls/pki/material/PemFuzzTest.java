package dev.mtls.pki.material;

import dev.mtls.pki.material.trust.CrlSet;
import dev.mtls.testing.ClearError;
import dev.mtls.testing.ParserFuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever a PEM file holds, loading it as certificates, as a private key or as CRLs gives the material or a
 * {@link KeyMaterialException} that names the file and says what is wrong: no other exception, no hang.
 */
class PemFuzzTest {
  private static final char[] PASSWORD = "fuzzing".toCharArray();

  @TempDir
  Path directory;

  @ParserFuzzTest
  void reads_or_refuses_any_pem_file(byte[] input) throws IOException {
    Path file = Files.write(directory.resolve("material.pem"), input);

    refusesClearly(file, () -> Pem.loadCertificates(file));
    refusesClearly(file, () -> Pem.loadPrivateKey(file, PASSWORD));
    refusesClearly(file, () -> CrlSet.load(file));
  }

  private static void refusesClearly(Path file, Runnable load) {
    try {
      load.run();
    } catch (KeyMaterialException e) {
      ClearError.assertClear(e, file + ": ");
    }
  }
}
