package dev.mtls.pki;

import dev.mtls.pki.FileDelivery.Output;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.AtomicFiles.Visibility;
import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.Pem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One credential's files in {@code directory}, named after it: NAME.key (0600), NAME.pem (the certificate),
 * NAME-chain.pem (the certificate and its intermediates) and NAME.p12 (0600). What {@code pki issue}, {@code renew}
 * and {@code demo} write; each file is written whole or not at all, the set of them all or none, and an existing one
 * is replaced only as {@code existing} allows.
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
   * These files as the delivery of a certificate whose key the CA made ({@code pki issue}): its key (encrypted with
   * {@code password} when {@code encryptKey}), its certificate and chain, and with a {@code password} a PKCS#12
   * keystore of the {@code profile}, each key encrypted at {@code cost}.
   */
  public Delivery delivery(char[] password, boolean encryptKey, Pkcs12.Profile profile, KeyEncryption cost) {
    List<Output> outputs = new ArrayList<>();
    outputs.add(new Output(key(), Visibility.PRIVATE, issued -> {
      PrivateKey key = issued.keyPair().getPrivate();
      return utf8(encryptKey ? Pem.encodeEncrypted(key, password, cost) : Pem.encode(key));
    }));
    outputs.addAll(certificateOutputs(certificate(), chain()));
    if (password != null) {
      outputs.add(new Output(pkcs12(), Visibility.PRIVATE,
          issued -> Pkcs12.keyStore(issued.identity(), password, name, profile, cost)));
    }
    return new FileDelivery(outputs, existing);
  }

  /**
   * These files as the delivery of a certificate whose holder keeps the key ({@code withKey} false: NAME.pem and
   * NAME-chain.pem), or whose new key the CA made ({@code withKey}: NAME.key too, unencrypted), as {@code pki renew}
   * writes them.
   */
  public Delivery delivery(boolean withKey) {
    List<Output> outputs = new ArrayList<>();
    if (withKey) {
      outputs.add(new Output(key(), Visibility.PRIVATE, issued -> utf8(issued.privateKeyPem())));
    }
    outputs.addAll(certificateOutputs(certificate(), chain()));
    return new FileDelivery(outputs, existing);
  }

  /**
   * The delivery of a certificate signed from a CSR ({@code pki sign}): the certificate alone to {@code certificate},
   * the certificate and its intermediates to {@code chain}, each replaced only as {@code existing} allows.
   */
  public static Delivery certificateAndChain(Path certificate, Path chain, Existing existing) {
    return new FileDelivery(certificateOutputs(certificate, chain), existing);
  }

  /**
   * Writes {@code issued}, all files or none, as {@link #delivery(char[], boolean, Pkcs12.Profile, KeyEncryption)}
   * delivers it (without the key and keystore when the CA did not make the key). Returns the files written.
   */
  public List<Path> write(IssuedCertificate issued, char[] password, boolean encryptKey, Pkcs12.Profile profile,
      KeyEncryption cost) {
    Delivery delivery = issued.hasKeyPair() ? delivery(password, encryptKey, profile, cost) : delivery(false);
    return delivery.write(issued);
  }

  private static List<Output> certificateOutputs(Path certificate, Path chain) {
    return List.of(new Output(certificate, Visibility.PUBLIC, issued -> utf8(issued.certificatePem())),
        new Output(chain, Visibility.PUBLIC, issued -> utf8(issued.chainPem())));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private Path file(String suffix) {
    return directory.resolve(name + suffix);
  }
}
