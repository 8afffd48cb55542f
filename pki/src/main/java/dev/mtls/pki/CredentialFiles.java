package dev.mtls.pki;

import dev.mtls.pki.material.AtomicFiles;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.AtomicFiles.Visibility;
import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.Pem;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One credential's files in {@code directory}, named after it: NAME.key (0600), NAME.pem (the certificate),
 * NAME-chain.pem (the certificate and its intermediates) and NAME.p12 (0600). What {@code pki issue}, {@code renew}
 * and {@code demo} write; each file is written whole or not at all, and an existing one is replaced only as
 * {@code existing} allows.
 */
public record CredentialFiles(Path directory, String name, Existing existing) {
  public CredentialFiles {
    Objects.requireNonNull(directory, "directory == null");
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(existing, "existing == null");
  }

  /** NAME.key: the private key, PEM. */
  public Path key() {
    return file(".key");
  }

  /** NAME.pem: the certificate alone, PEM. */
  public Path certificate() {
    return file(".pem");
  }

  /** NAME-chain.pem: the certificate, then its intermediates, PEM (what a TLS peer sends). */
  public Path chain() {
    return file("-chain.pem");
  }

  /** NAME.p12: the key entry with its chain, PKCS#12. */
  public Path pkcs12() {
    return file(".p12");
  }

  /**
   * Writes {@code issued}: its key when the CA made it (encrypted with {@code password} when {@code encryptKey}), its
   * certificate and chain, and with a {@code password} a PKCS#12 keystore of the {@code profile}. Returns the files
   * written.
   */
  public List<Path> write(IssuedCertificate issued, char[] password, boolean encryptKey, Pkcs12.Profile profile,
      KeyEncryption cost) {
    List<Path> written = new ArrayList<>();
    if (issued.hasKeyPair()) {
      PrivateKey key = issued.keyPair().getPrivate();
      written.add(write(key(), encryptKey ? Pem.encodeEncrypted(key, password, cost) : Pem.encode(key),
          Visibility.PRIVATE));
    }
    written.addAll(write(issued.chain()));
    if (issued.hasKeyPair() && password != null) {
      AtomicFiles.write(pkcs12(), Pkcs12.keyStore(issued.identity(), password, name, profile, cost),
          Visibility.PRIVATE, existing);
      written.add(pkcs12());
    }
    return written;
  }

  /** Writes {@code key} (null: none, the holder keeps theirs) unencrypted, and the certificate of {@code chain}. */
  public List<Path> write(PrivateKey key, List<X509Certificate> chain) {
    List<Path> written = new ArrayList<>();
    if (key != null) {
      written.add(write(key(), Pem.encode(key), Visibility.PRIVATE));
    }
    written.addAll(write(chain));
    return written;
  }

  /** NAME.pem (the leaf) and NAME-chain.pem (the leaf and its issuers). */
  private List<Path> write(List<X509Certificate> chain) {
    return List.of(write(certificate(), Pem.encode(chain.get(0)), Visibility.PUBLIC),
        write(chain(), Pem.encode(chain), Visibility.PUBLIC));
  }

  private Path write(Path file, String text, Visibility visibility) {
    AtomicFiles.writeString(file, text, visibility, existing);
    return file;
  }

  private Path file(String suffix) {
    return directory.resolve(name + suffix);
  }
}
