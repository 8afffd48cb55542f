package dev.mtls.pki.material;

import dev.mtls.pki.material.trust.CrlSet;
import dev.mtls.testing.ClearError;
import dev.mtls.testing.ParserFuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever a PEM file holds, loading it as certificates, as a private key or as CRLs gives the material or a
 * {@link KeyMaterialException} that names the file and says what is wrong: no other exception, no hang. The seeds
 * (password {@code fuzzing}) were made with openssl: a certificate, a chain, keys in every PEM form this project reads
 * (PKCS#8, SEC1, PKCS#1, Ed25519, encrypted PKCS#8, legacy OpenSSL encryption), a CRL, a CSR.
 */
class PemFuzzTest {
  private static final char[] PASSWORD = "fuzzing".toCharArray();

  @TempDir
  Path directory;

  @ParserFuzzTest
  void reads_or_refuses_any_pem_file(byte[] input) throws Exception {
    Path file = Files.write(directory.resolve("material.pem"), input);

    String source = file + ": ";
    ClearError.readsOrRefuses(KeyMaterialException.class, source, () -> Pem.loadCertificates(file));
    ClearError.readsOrRefuses(KeyMaterialException.class, source, () -> Pem.loadPrivateKey(file, PASSWORD));
    ClearError.readsOrRefuses(KeyMaterialException.class, source, () -> CrlSet.load(file));
  }
}
