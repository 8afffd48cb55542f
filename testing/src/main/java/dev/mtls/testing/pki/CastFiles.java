package dev.mtls.testing.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A {@link Cast} written to a directory, for tests that hand files to processes:
 *
 * <pre>
 * DIR/ca/root.pem             our root (the only trust anchor of server and client)
 * DIR/ca/intermediate.pem     our issuing CA;  DIR/ca/ca-chain.pem  issuing CA + root
 * DIR/ca/crl.pem              the issuing CA's CRL revoking "revoked", and the root's empty CRL
 * DIR/ca/empty-crl.pem        a newer issuing-CA CRL revoking nothing, and the root's CRL
 * DIR/ca/root-crl.pem         the root's CRL alone
 * DIR/ca/intermediate.key     the issuing CA's key (for openssl ocsp as a responder)
 * DIR/ca/root.p12             a PKCS#12 truststore holding the root
 * DIR/foreign/root.pem        the foreign root;  DIR/impostor/root.pem  the root with our root's name
 * DIR/impostor/ca-chain.pem  the impostor's issuing CA (named like ours) + its root
 * DIR/password.txt            the password of every .p12 file ({@link #PASSWORD})
 * DIR/NAME.pem                leaf only;  DIR/NAME-chain.pem  leaf + issuing CA
 * DIR/NAME.key                unencrypted PKCS#8, owner-only;  DIR/NAME.p12  leaf + issuing CA + key
 * </pre>
 *
 * NAME is one of server, otherhost, foreignserver, alice, bob, carol, foreign, impostor, expired, notyetvalid,
 * revoked, serveronly.
 */
public final class CastFiles {
  /** The password of every PKCS#12 file. */
  public static final String PASSWORD = "test-secret";

  /** One identity with its key, and where its files are. */
  public record Credential(String name, Issued issued, Path certificate, Path chain, Path key, Path pkcs12) {
    public X509Certificate x509() {
      return issued.certificate();
    }

    /** The subject as RFC 2253 text. */
    public String subject() {
      return issued.certificate().getSubjectX500Principal().getName();
    }
  }

  private final Cast cast;
  private final Path dir;
  private final Map<String, Credential> credentials = new LinkedHashMap<>();
  private final X509CRL issuingCrl;
  private final X509CRL rootCrl;

  CastFiles(Cast cast, Path dir) {
    this.cast = cast;
    this.dir = dir;
    add("server", cast.server);
    add("otherhost", cast.otherHostServer);
    add("foreignserver", cast.foreignServer);
    add("alice", cast.alice);
    add("bob", cast.bob);
    add("carol", cast.carol);
    add("foreign", cast.foreignClient);
    add("impostor", cast.impostorClient);
    add("expired", cast.expired);
    add("notyetvalid", cast.notYetValid);
    add("revoked", cast.revoked);
    add("serveronly", cast.serverOnly);
    issuingCrl = cast.issuingCrl();
    rootCrl = cast.rootCrl();
    write(rootPem(), Pems.of(cast.root.certificate()));
    write(intermediatePem(), Pems.of(cast.issuing.certificate()));
    write(caChainPem(), Pems.of(List.of(cast.issuing.certificate(), cast.root.certificate())));
    write(crlPem(), Pems.of(issuingCrl) + Pems.of(rootCrl));
    write(emptyCrlPem(), Pems.of(cast.nextIssuingCrl().build()) + Pems.of(rootCrl));
    write(rootCrlPem(), Pems.of(rootCrl));
    writePrivate(intermediateKey(), Pems.of(cast.issuing.privateKey()));
    KeyStores.trustStore(rootPkcs12(), PASSWORD.toCharArray(), List.of(cast.root.certificate()));
    write(foreignRootPem(), Pems.of(cast.foreignRoot.certificate()));
    write(dir.resolve("impostor/root.pem"), Pems.of(cast.impostorRoot.certificate()));
    write(dir.resolve("impostor/ca-chain.pem"), Pems.of(List.of(cast.impostorIssuing.certificate(),
        cast.impostorRoot.certificate())));
    write(passwordFile(), PASSWORD + "\n");
  }

  public Cast cast() {
    return cast;
  }

  public Path dir() {
    return dir;
  }

  /** A credential by name (see the class comment), e.g. {@code get("alice")}. */
  public Credential get(String name) {
    Credential credential = credentials.get(name);
    if (credential == null) {
      throw new NoSuchElementException("no credential '" + name + "'; there are " + credentials.keySet());
    }
    return credential;
  }

  public Credential server() {
    return get("server");
  }

  /** Writes the files of one more identity, e.g. a client a test will revoke without affecting others. */
  public synchronized Credential add(String name, Issued issued) {
    if (credentials.containsKey(name)) {
      throw new IllegalArgumentException("credential '" + name + "' exists already");
    }
    Issued.PemFiles files = issued.writePem(dir, name);
    Path pkcs12 = issued.writePkcs12(dir.resolve(name + ".p12"), name, PASSWORD.toCharArray());
    Credential credential = new Credential(name, issued, files.certificate(), files.chain(), files.key(), pkcs12);
    credentials.put(name, credential);
    return credential;
  }

  /** Our root as PEM: the one trust anchor of server and client. */
  public Path rootPem() {
    return dir.resolve("ca/root.pem");
  }

  /** Our root in a PKCS#12 truststore protected by {@link #PASSWORD}. */
  public Path rootPkcs12() {
    return dir.resolve("ca/root.p12");
  }

  public Path intermediatePem() {
    return dir.resolve("ca/intermediate.pem");
  }

  /** The issuing CA's private key, unencrypted (for openssl's OCSP responder). */
  public Path intermediateKey() {
    return dir.resolve("ca/intermediate.key");
  }

  /** Issuing CA + root. */
  public Path caChainPem() {
    return dir.resolve("ca/ca-chain.pem");
  }

  /** The issuing CA's CRL (revoking {@code revoked}) and the root's empty CRL. */
  public Path crlPem() {
    return dir.resolve("ca/crl.pem");
  }

  /** A newer issuing-CA CRL revoking nothing, and the root's empty CRL. */
  public Path emptyCrlPem() {
    return dir.resolve("ca/empty-crl.pem");
  }

  /** The root's CRL alone (empty): the issuing CA's status, when the leaves' comes from elsewhere. */
  public Path rootCrlPem() {
    return dir.resolve("ca/root-crl.pem");
  }

  public Path foreignRootPem() {
    return dir.resolve("foreign/root.pem");
  }

  public Path passwordFile() {
    return dir.resolve("password.txt");
  }

  public char[] password() {
    return PASSWORD.toCharArray();
  }

  public X509CRL issuingCrl() {
    return issuingCrl;
  }

  public X509CRL rootCrl() {
    return rootCrl;
  }

  /** The issuing CA's next CRL, revoking the cast's {@code revoked} and {@code revoked}, as PEM with the root's. */
  public String crlRevoking(Credential... revoked) {
    X509Certificate[] certificates = new X509Certificate[revoked.length];
    for (int i = 0; i < revoked.length; i++) {
      certificates[i] = revoked[i].x509();
    }
    return Pems.of(cast.issuingCrl(certificates)) + Pems.of(rootCrl);
  }

  /** Overwrites {@code file} with {@code text} (UTF-8), creating parent directories. */
  public static void write(Path file, String text) {
    write(file, text.getBytes(StandardCharsets.UTF_8));
  }

  public static void write(Path file, byte[] content) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void writePrivate(Path file, String text) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Issued.writePrivate(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
