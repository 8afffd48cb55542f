package dev.mtls.pki.material;

import dev.mtls.testing.ClearError;
import dev.mtls.testing.ParserFuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever a PKCS#12 file holds, loading it as a keystore (the identity) or as a truststore (the anchors) gives the
 * material or a {@link KeyMaterialException} that names the file and says what is wrong: no other exception, no
 * hang. The seeds (password {@code fuzzing}, one iteration so that each run is quick) were made with
 * {@code openssl pkcs12 -export -iter 1} (with a MAC, without, with 3DES, unencrypted) and {@code keytool -importcert}.
 */
class Pkcs12FuzzTest {
  private static final char[] PASSWORD = "fuzzing".toCharArray();

  @TempDir
  Path directory;

  @ParserFuzzTest
  void reads_or_refuses_any_pkcs12_file(byte[] input) throws Exception {
    Path file = Files.write(directory.resolve("material.p12"), input);

    String source = file + ": ";
    ClearError.readsOrRefuses(KeyMaterialException.class, source, () -> Identity.loadPkcs12(file, PASSWORD, null));
    ClearError.readsOrRefuses(KeyMaterialException.class, source, () -> Identity.loadPkcs12(file, PASSWORD, "alice"));
    ClearError.readsOrRefuses(KeyMaterialException.class, source, () -> TrustAnchors.loadPkcs12(file, PASSWORD));
  }
}
