package dev.mtls.pki.cli;

import dev.mtls.pki.IssuedCertificate;
import dev.mtls.pki.Pkcs12;
import dev.mtls.pki.material.AtomicFiles;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.AtomicFiles.Visibility;
import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.Pem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** One credential's files in {@code directory}: NAME.key (0600), NAME.pem, NAME-chain.pem and NAME.p12 (0600). */
record CredentialFiles(Path directory, String name, Existing existing) {
  /**
   * Writes {@code issued}: its key when the CA made it (encrypted with {@code password} when {@code encryptKey}), its
   * certificate and chain, and with a {@code password} a PKCS#12 keystore of the {@code profile}.
   */
  List<Path> write(IssuedCertificate issued, char[] password, boolean encryptKey, Pkcs12.Profile profile,
      KeyEncryption cost) {
    List<Path> written = new ArrayList<>();
    if (issued.hasKeyPair()) {
      PrivateKey key = issued.keyPair().getPrivate();
      written.add(write(".key", encryptKey ? Pem.encodeEncrypted(key, password, cost) : Pem.encode(key),
          Visibility.PRIVATE));
    }
    written.addAll(write(issued.chain()));
    if (issued.hasKeyPair() && password != null) {
      Path p12 = directory.resolve(name + ".p12");
      AtomicFiles.write(p12, Pkcs12.keyStore(issued.identity(), password, name, profile, cost), Visibility.PRIVATE,
          existing);
      written.add(p12);
    }
    return written;
  }

  /** Writes {@code key} (null: none, the holder keeps theirs) unencrypted, and the certificate of {@code chain}. */
  List<Path> write(PrivateKey key, List<X509Certificate> chain) {
    List<Path> written = new ArrayList<>();
    if (key != null) {
      written.add(write(".key", Pem.encode(key), Visibility.PRIVATE));
    }
    written.addAll(write(chain));
    return written;
  }

  static void list(PrintWriter out, List<Path> files) {
    for (Path file : files) {
      out.println("  wrote " + file);
    }
  }

  /** NAME.pem (the leaf) and NAME-chain.pem (the leaf and its issuers). */
  private List<Path> write(List<X509Certificate> chain) {
    return List.of(write(".pem", Pem.encode(chain.get(0)), Visibility.PUBLIC),
        write("-chain.pem", Pem.encode(chain), Visibility.PUBLIC));
  }

  private Path write(String suffix, String text, Visibility visibility) {
    Path file = directory.resolve(name + suffix);
    AtomicFiles.writeString(file, text, visibility, existing);
    return file;
  }
}
