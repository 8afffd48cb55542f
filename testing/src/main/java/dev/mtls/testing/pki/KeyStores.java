package dev.mtls.testing.pki;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/**
 * PKCS#12 files as the JDK's own KeyStore writes them (PBES2 with AES-256 and an HMAC-SHA256 MAC on JDK 17, which
 * OpenSSL 3 reads without {@code -legacy}): what keytool makes, not what the project's pki module makes.
 */
public final class KeyStores {
  private KeyStores() {}

  /** One key entry per alias, each with its chain. */
  public static Path pkcs12(Path file, char[] password, Map<String, Issued> entries) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (Map.Entry<String, Issued> entry : entries.entrySet()) {
        store.setKeyEntry(entry.getKey(), entry.getValue().privateKey(), password,
            entry.getValue().chain().toArray(new X509Certificate[0]));
      }
      return write(store, file, password);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot write " + file, e);
    }
  }

  /** A truststore: one trusted-certificate entry per anchor. */
  public static Path trustStore(Path file, char[] password, List<X509Certificate> anchors) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < anchors.size(); i++) {
        store.setCertificateEntry(i == 0 ? "anchor" : "anchor-" + i, anchors.get(i));
      }
      return write(store, file, password);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot write " + file, e);
    }
  }

  private static Path write(KeyStore store, Path file, char[] password) throws GeneralSecurityException,
      IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password);
    }
    return file;
  }
}
