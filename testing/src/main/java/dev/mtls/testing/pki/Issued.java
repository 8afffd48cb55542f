package dev.mtls.testing.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A certificate and its key, with the chain a peer sends: this certificate first, then its issuing CAs, without
 * the root (a peer holds the root as its trust anchor).
 */
public record Issued(X509Certificate certificate, KeyPair keyPair, List<X509Certificate> chain) {
  public Issued {
    chain = List.copyOf(chain);
  }

  public PrivateKey privateKey() {
    return keyPair.getPrivate();
  }

  /** Where {@link #writePem} put the files. */
  public record PemFiles(Path certificate, Path chain, Path key) {}

  /**
   * Writes {@code NAME.pem} (this certificate), {@code NAME-chain.pem} (the chain a peer sends) and {@code NAME.key}
   * (unencrypted PKCS#8, owner-only where the file system has POSIX permissions) into {@code directory}.
   */
  public PemFiles writePem(Path directory, String name) {
    try {
      Files.createDirectories(directory);
      Path certificateFile = Files.writeString(directory.resolve(name + ".pem"), Pems.of(certificate));
      Path chainFile = Files.writeString(directory.resolve(name + "-chain.pem"), Pems.of(chain));
      Path keyFile = writePrivate(directory.resolve(name + ".key"), Pems.of(privateKey()));
      return new PemFiles(certificateFile, chainFile, keyFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + name + " into " + directory, e);
    }
  }

  /**
   * Replaces {@code keyFile} and {@code chainFile} with this key and chain the way cert-manager renews a mounted
   * secret: the key first, each file moved into place atomically, so a reader sees one old file or one new one.
   */
  public void installPem(Path chainFile, Path keyFile) {
    try {
      replace(keyFile, Pems.of(privateKey()));
      replace(chainFile, Pems.of(chain));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot install " + certificate.getSubjectX500Principal() + " into "
          + chainFile, e);
    }
  }

  private static void replace(Path file, String content) throws IOException {
    Path next = file.resolveSibling(file.getFileName() + ".next");
    Files.writeString(next, content);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** A PKCS#12 file holding this key and chain under {@code alias}, written by the JDK's own KeyStore. */
  public Path writePkcs12(Path file, String alias, char[] password) {
    return KeyStores.pkcs12(file, password, java.util.Map.of(alias, this));
  }

  /**
   * A key manager that always presents this identity. The JDK's own would not offer a certificate whose issuer
   * the server did not name in its CertificateRequest, so a foreign client would arrive as "no certificate": tests
   * of refusals must really send what they test.
   */
  public X509ExtendedKeyManager keyManager() {
    return new SingleKeyManager(this);
  }

  static Path writePrivate(Path file, String content) throws IOException {
    Files.writeString(file, content);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
    return file;
  }

  static List<X509Certificate> prepend(X509Certificate first, List<X509Certificate> rest) {
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(first);
    chain.addAll(rest);
    return chain;
  }

  private static final class SingleKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "identity";
    private final Issued identity;

    SingleKeyManager(Issued identity) {
      this.identity = identity;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
      return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
      return ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return keyType.equals(identity.privateKey().getAlgorithm()) ? new String[] {ALIAS} : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return keyType.equals(identity.privateKey().getAlgorithm()) ? ALIAS : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return chooseServerAlias(keyType, issuers, null);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return identity.chain().toArray(new X509Certificate[0]);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return identity.privateKey();
    }
  }
}
