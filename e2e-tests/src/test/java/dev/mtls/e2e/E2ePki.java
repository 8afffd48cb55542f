package dev.mtls.e2e;

import dev.mtls.pki.CertificateAuthority;
import dev.mtls.pki.CertificateSpec;
import dev.mtls.pki.IssuedCertificate;
import dev.mtls.pki.KeyAlgorithm;
import dev.mtls.pki.Pkcs12;
import dev.mtls.pki.Revocation;
import dev.mtls.pki.RevocationReason;
import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.SubjectAltName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import javax.security.auth.x500.X500Principal;

/**
 * The whole test PKI of the end-to-end tests, generated at test time with the pki library and written to a
 * directory as PEM and PKCS#12:
 *
 * <pre>
 * DIR/ca/root.pem             our root (the only trust anchor of server and client)
 * DIR/ca/intermediate.pem     our issuing CA (signs every leaf below unless noted)
 * DIR/ca/ca-chain.pem         intermediate + root
 * DIR/ca/crl.pem              the intermediate's CRL revoking "revoked", and the root's empty CRL
 * DIR/ca/empty-crl.pem        the same two CRLs, revoking nothing
 * DIR/ca/root-crl.pem         the root's CRL alone
 * DIR/ca/intermediate.key     the issuing CA's key (for openssl ocsp as a responder)
 * DIR/ca/root.p12             a PKCS#12 truststore holding the root
 * DIR/foreign/root.pem        an unrelated root (different DN)
 * DIR/impostor/root.pem       a root WITH THE SAME DN as ours, and its intermediate with the same DN as ours
 * DIR/password.txt            the password of every .p12 file ({@link #PASSWORD})
 * DIR/NAME.pem                leaf only;  DIR/NAME-chain.pem  leaf + issuing intermediate
 * DIR/NAME.key                unencrypted PKCS#8;  DIR/NAME.p12  leaf + intermediate + key (modern PKCS#12)
 * </pre>
 *
 * Credentials (NAME): {@code server} (localhost, 127.0.0.1, ::1), {@code alice} (OU=admins), {@code bob}
 * (OU=readers), {@code carol} (OU=contractors, no role), {@code foreign} (client from the foreign CA),
 * {@code impostor} ("CN=alice,OU=admins", from the same-DN impostor CA), {@code expired}, {@code notyetvalid},
 * {@code revoked} (on the CRL), {@code serveronly} (OU=admins but EKU serverAuth only), {@code otherhost} (a
 * server certificate from our CA for other.example only), {@code foreignserver} (a server certificate for
 * localhost from the foreign CA).
 */
public final class E2ePki {
  /** The password of every PKCS#12 file. */
  public static final String PASSWORD = "e2e-secret";

  public static final String ORG = "O=mtls-reference e2e";
  public static final String ROOT_DN = "CN=e2e Root CA," + ORG;
  public static final String INTERMEDIATE_DN = "CN=e2e Issuing CA," + ORG;

  private final Path dir;
  private final CertificateAuthority root;
  private final CertificateAuthority intermediate;
  private final CertificateAuthority foreignRoot;
  private final CertificateAuthority impostorRoot;
  private final CertificateAuthority impostorIntermediate;
  private final Map<String, Credential> credentials = new LinkedHashMap<>();
  private final X509CRL intermediateCrl;
  private final X509CRL rootCrl;

  /** One leaf certificate with its key, and where its files are. */
  public record Credential(String name, IssuedCertificate issued, Path certificate, Path chain, Path key,
      Path pkcs12) {
    public X509Certificate x509() {
      return issued.certificate();
    }

    public String subject() {
      return issued.certificate().getSubjectX500Principal().getName();
    }
  }

  /** Where the CAs say their status is published; null fields publish nothing. */
  public record Publication(String ocspUrl, String crlUrl, String rootCrlUrl) {
    static final Publication NONE = new Publication(null, null, null);
  }

  private E2ePki(Path dir, Publication publication) {
    this.dir = dir;
    Clock clock = Clock.systemUTC();
    Duration caValidity = Duration.ofDays(3650);
    CertificateAuthority createdRoot = CertificateAuthority.createRoot(new X500Principal(ROOT_DN),
        KeyAlgorithm.EC_P256, caValidity, clock);
    root = publication.rootCrlUrl() == null ? createdRoot
        : createdRoot.withCrlDistributionPoint(publication.rootCrlUrl());
    CertificateAuthority issuing = root.createIntermediate(INTERMEDIATE_DN);
    if (publication.ocspUrl() != null) {
      issuing = issuing.withOcspResponder(publication.ocspUrl());
    }
    intermediate = publication.crlUrl() == null ? issuing : issuing.withCrlDistributionPoint(publication.crlUrl());
    foreignRoot = CertificateAuthority.createRoot(new X500Principal("CN=Foreign Root CA,O=Elsewhere"),
        KeyAlgorithm.EC_P256, caValidity, clock);
    impostorRoot = CertificateAuthority.createRoot(new X500Principal(ROOT_DN), KeyAlgorithm.EC_P256, caValidity,
        clock);
    impostorIntermediate = impostorRoot.createIntermediate(INTERMEDIATE_DN);

    Instant now = Instant.now();
    add("server", intermediate, CertificateSpec.server("CN=localhost," + ORG)
        .addSubjectAltName(SubjectAltName.dns("localhost"))
        .addSubjectAltName(SubjectAltName.ip("127.0.0.1"))
        .addSubjectAltName(SubjectAltName.ip("::1")));
    add("alice", intermediate, CertificateSpec.client("CN=alice,OU=admins," + ORG));
    add("bob", intermediate, CertificateSpec.client("CN=bob,OU=readers," + ORG));
    add("carol", intermediate, CertificateSpec.client("CN=carol,OU=contractors," + ORG));
    add("foreign", foreignRoot, CertificateSpec.client("CN=mallory,OU=admins,O=Elsewhere"));
    add("impostor", impostorIntermediate, CertificateSpec.client("CN=alice,OU=admins," + ORG));
    add("expired", intermediate, CertificateSpec.client("CN=expired,OU=admins," + ORG)
        .notBefore(now.minus(Duration.ofDays(30))).validity(Duration.ofDays(1)));
    add("notyetvalid", intermediate, CertificateSpec.client("CN=notyetvalid,OU=admins," + ORG)
        .notBefore(now.plus(Duration.ofDays(30))).validity(Duration.ofDays(90)));
    add("revoked", intermediate, CertificateSpec.client("CN=revoked,OU=admins," + ORG));
    add("serveronly", intermediate, CertificateSpec.server("CN=serveronly,OU=admins," + ORG)
        .addSubjectAltName(SubjectAltName.dns("serveronly.example")));
    add("otherhost", intermediate, CertificateSpec.server("CN=other.example," + ORG)
        .addSubjectAltName(SubjectAltName.dns("other.example")));
    add("foreignserver", foreignRoot, CertificateSpec.server("CN=localhost,O=Elsewhere")
        .addSubjectAltName(SubjectAltName.dns("localhost"))
        .addSubjectAltName(SubjectAltName.ip("127.0.0.1"))
        .addSubjectAltName(SubjectAltName.ip("::1")));

    Instant thisUpdate = now.minus(Duration.ofMinutes(5));
    Instant nextUpdate = now.plus(Duration.ofDays(7));
    intermediateCrl = intermediate.crl(List.of(new Revocation(get("revoked").x509().getSerialNumber(),
        now.minus(Duration.ofMinutes(1)), RevocationReason.KEY_COMPROMISE)), BigInteger.ONE, thisUpdate, nextUpdate);
    rootCrl = root.crl(List.of(), BigInteger.ONE, thisUpdate, nextUpdate);

    write(dir.resolve("ca/root.pem"), Pem.encode(root.certificate()));
    write(dir.resolve("ca/intermediate.pem"), Pem.encode(intermediate.certificate()));
    write(dir.resolve("ca/ca-chain.pem"), Pem.encode(intermediate.chain()));
    write(dir.resolve("ca/crl.pem"), Pem.encode(intermediateCrl) + Pem.encode(rootCrl));
    write(dir.resolve("ca/root-crl.pem"), Pem.encode(rootCrl));
    write(dir.resolve("ca/intermediate.key"), Pem.encode(intermediate.privateKey()));
    write(dir.resolve("ca/empty-crl.pem"), Pem.encode(emptyCrl(BigInteger.TWO)) + Pem.encode(rootCrl));
    write(dir.resolve("ca/root.p12"), Pkcs12.trustStore(List.of(root.certificate()), PASSWORD.toCharArray()));
    write(dir.resolve("foreign/root.pem"), Pem.encode(foreignRoot.certificate()));
    write(dir.resolve("impostor/root.pem"), Pem.encode(impostorRoot.certificate()));
    write(dir.resolve("impostor/ca-chain.pem"), Pem.encode(impostorIntermediate.chain()));
    write(dir.resolve("password.txt"), PASSWORD + "\n");
  }

  /** Generates everything and writes it under {@code dir} (created if missing). */
  public static E2ePki create(Path dir) {
    return new E2ePki(dir, Publication.NONE);
  }

  /**
   * The same PKI, whose certificates name where their status is published: the issuing CA's leaves carry the OCSP
   * responder (AIA) and the CRL distribution point, the intermediate the root's CRL distribution point.
   */
  public static E2ePki create(Path dir, Publication publication) {
    return new E2ePki(dir, publication);
  }

  /** The root's CRL alone (empty): the intermediate's status, when the leaves' comes from elsewhere. */
  public Path rootCrlPem() {
    return dir.resolve("ca/root-crl.pem");
  }

  /** The issuing CA's private key, unencrypted (for openssl's OCSP responder). */
  public Path intermediateKey() {
    return dir.resolve("ca/intermediate.key");
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

  public CertificateAuthority root() {
    return root;
  }

  public CertificateAuthority intermediate() {
    return intermediate;
  }

  public CertificateAuthority foreignRoot() {
    return foreignRoot;
  }

  public CertificateAuthority impostorRoot() {
    return impostorRoot;
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

  /** Intermediate + root. */
  public Path caChainPem() {
    return dir.resolve("ca/ca-chain.pem");
  }

  /** The intermediate's CRL (revoking {@code revoked}) and the root's empty CRL. */
  public Path crlPem() {
    return dir.resolve("ca/crl.pem");
  }

  /** A newer intermediate CRL revoking nothing, and the root's empty CRL. */
  public Path emptyCrlPem() {
    return dir.resolve("ca/empty-crl.pem");
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

  public X509CRL intermediateCrl() {
    return intermediateCrl;
  }

  public X509CRL rootCrl() {
    return rootCrl;
  }

  /** A fresh intermediate CRL, numbered {@code number}, revoking {@code revoked} (as PEM, with the root's CRL). */
  public String crlRevoking(BigInteger number, Credential... revoked) {
    Instant now = Instant.now();
    List<Revocation> entries = new ArrayList<>();
    for (Credential credential : revoked) {
      entries.add(new Revocation(credential.x509().getSerialNumber(), now.minus(Duration.ofMinutes(1)),
          RevocationReason.KEY_COMPROMISE));
    }
    X509CRL crl = intermediate.crl(entries, number, now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(7)));
    return Pem.encode(crl) + Pem.encode(rootCrl);
  }

  /**
   * Issues one more credential from our intermediate and writes its files, e.g. for a test that needs a
   * certificate nobody else uses (it can then revoke it without affecting other tests).
   */
  public Credential issue(String name, CertificateSpec.Builder spec) {
    return add(name, intermediate, spec);
  }

  private X509CRL emptyCrl(BigInteger number) {
    Instant now = Instant.now();
    return intermediate.crl(List.of(), number, now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(7)));
  }

  private synchronized Credential add(String name, CertificateAuthority ca, CertificateSpec.Builder spec) {
    if (credentials.containsKey(name)) {
      throw new IllegalArgumentException("credential '" + name + "' exists already");
    }
    IssuedCertificate issued = ca.issue(spec.build());
    Credential credential = new Credential(name, issued, dir.resolve(name + ".pem"),
        dir.resolve(name + "-chain.pem"), dir.resolve(name + ".key"), dir.resolve(name + ".p12"));
    write(credential.certificate(), issued.certificatePem());
    write(credential.chain(), issued.chainPem());
    write(credential.key(), issued.privateKeyPem());
    // The cheapest accepted PBKDF2 cost: these keys are thrown away, and every scenario makes a whole set.
    write(credential.pkcs12(), Pkcs12.keyStore(issued.identity(), PASSWORD.toCharArray(), name,
        Pkcs12.Profile.MODERN, KeyEncryption.forTests()));
    credentials.put(name, credential);
    return credential;
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
}
