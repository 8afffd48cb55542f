package dev.mtls.pki;

import dev.mtls.pki.internal.store.CaFiles;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.pki.material.Passwords;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.SubjectAltName;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * A two-tier CA kept in a directory, in the spirit of {@code openssl ca} and easy-rsa:
 *
 * <pre>
 *   root.pem, root.key             the root certificate and its encrypted key (0600)
 *   intermediate.pem, intermediate.key   the issuing CA and its encrypted key (0600)
 *   ca-chain.pem                   intermediate then root
 *   index.tsv                      what the issuing CA issued: serial, status, not-after, revoked-at, reason, subject
 *   root-index.tsv                 what the root issued (the intermediate), in the same format
 *   crlnumber, root-crlnumber      the last CRL number each CA used
 *   crl.pem                        the CRLs servers read: the issuing CA's, then the root's (which can revoke the
 *                                  intermediate and so every certificate below it); signed by pki crl, kept
 *                                  current by pki serve, with the validity pki crl gave them
 *   crl-url, ocsp-url              where the leaves the issuing CA signs say their status is published (optional)
 *   root-crl-url                   the root's CRL, named in the intermediate (optional; a record of what init did)
 *   ocsp-signer.pem, ocsp-signer.key   the delegated OCSP signer, made on first use
 *   certs/SERIAL.pem               every certificate issued
 * </pre>
 *
 * Every write is atomic; mutations hold a lock file so two commands cannot interleave, and a certificate is in the
 * index only once it was delivered ({@link #issue(CertificateSpec, Delivery)}). The CA keys are
 * encrypted with the CA password (PBES2, AES-256-CBC, PBKDF2-HMAC-SHA256).
 */
public final class CaDirectory implements AutoCloseable {
  /** The CRLs {@link #generateCrl} published: the issuing CA's and the root's. */
  public record PublishedCrls(X509CRL issuing, X509CRL root) {}

  /** The delegated OCSP responder's certificate (first: the issuing CA's chain follows) and key. */
  public record OcspSigner(List<X509Certificate> chain, PrivateKey privateKey) {
    public X509Certificate certificate() {
      return chain.get(0);
    }
  }

  private final CaFiles files;
  private final X509Certificate root;
  private final X509Certificate intermediate;
  private final CertificateAuthority issuing;
  private final CaIndex index;
  private final OcspSignerFiles signers;
  private final CaIssuance issuance;
  private final Clock clock;
  private final char[] password;
  private final KeyEncryption keyEncryption;

  /** Takes {@code password} as it is: {@link #init} and {@link #open} give it a copy of the caller's. */
  CaDirectory(CaFiles files, X509Certificate root, X509Certificate intermediate, CertificateAuthority issuing,
      Clock clock, char[] password, KeyEncryption keyEncryption) {
    this.files = files;
    this.root = root;
    this.intermediate = intermediate;
    this.issuing = issuing;
    this.index = new CaIndex(files, intermediate);
    this.issuance = new CaIssuance(files, index, intermediate, this::issuing);
    this.signers = new OcspSignerFiles(files, index, issuance, intermediate, password, keyEncryption, clock);
    this.clock = clock;
    this.password = password;
    this.keyEncryption = keyEncryption;
  }

  /**
   * What {@link #init} creates. Where revocation status is published (each may be null): {@code crlUrl} is the CRL
   * distribution point of the leaves the issuing CA signs, {@code rootCrlUrl} that of the intermediate (whose status
   * is in the root's CRL, not the issuing CA's), {@code ocspUrl} the OCSP responder in the Authority Information
   * Access of the leaves. {@code keyEncryption} is what encrypting the CA's keys costs, and every key the directory
   * writes later (the OCSP signer's).
   */
  public record InitOptions(X500Principal rootSubject, X500Principal intermediateSubject, KeyAlgorithm keyAlgorithm,
      String crlUrl, String rootCrlUrl, String ocspUrl, KeyEncryption keyEncryption) {
    /** Root and issuing CA named after {@code organization}, EC P-256, no URLs, {@link KeyEncryption#STANDARD}. */
    public static InitOptions defaults(String organization) {
      return new InitOptions(new X500Principal("CN=" + organization + " Root CA,O=" + organization),
          new X500Principal("CN=" + organization + " Issuing CA,O=" + organization), KeyAlgorithm.EC_P256, null,
          null, null, KeyEncryption.STANDARD);
    }

    /** The same, with the CA's keys encrypted at {@code cost}. */
    public InitOptions withKeyEncryption(KeyEncryption cost) {
      return new InitOptions(rootSubject, intermediateSubject, keyAlgorithm, crlUrl, rootCrlUrl, ocspUrl, cost);
    }

    /** The same, naming these publication URLs (each may be null: not named). */
    public InitOptions withUrls(String crlUrl, String rootCrlUrl, String ocspUrl) {
      return new InitOptions(rootSubject, intermediateSubject, keyAlgorithm, crlUrl, rootCrlUrl, ocspUrl,
          keyEncryption);
    }
  }

  /**
   * Creates a root and an intermediate in {@code directory}. An existing CA there is never overwritten
   * unless {@code replaceExisting}: that would orphan every certificate it issued.
   */
  public static CaDirectory init(Path directory, char[] password, InitOptions options, boolean replaceExisting,
      Clock clock) {
    return CaCreation.create(directory, password, options, replaceExisting, clock);
  }

  /**
   * Opens a CA; {@code password} may be null for read-only use (list, expiring, certificates). Keys it writes later
   * (the OCSP signer's) are encrypted at {@link KeyEncryption#STANDARD} cost.
   */
  public static CaDirectory open(Path directory, char[] password, Clock clock) {
    return open(directory, password, KeyEncryption.STANDARD, clock);
  }

  /** Opens a CA like {@link #open(Path, char[], Clock)}, encrypting the keys it writes later at {@code cost}. */
  public static CaDirectory open(Path directory, char[] password, KeyEncryption cost, Clock clock) {
    CaFiles files = new CaFiles(directory);
    if (!files.exists(CaFiles.ROOT_CERTIFICATE)) {
      throw new KeyMaterialException(directory + ": not a CA directory (no root.pem); create one with 'init'");
    }
    X509Certificate root = Pem.loadCertificates(files.file(CaFiles.ROOT_CERTIFICATE)).get(0);
    X509Certificate intermediate = Pem.loadCertificates(files.file(CaFiles.INTERMEDIATE_CERTIFICATE)).get(0);
    CertificateAuthority issuing = null;
    if (password != null) {
      PrivateKey key = Pem.loadPrivateKey(files.file(CaFiles.INTERMEDIATE_KEY), password);
      CertificateAuthority ca = CertificateAuthority.of(List.of(intermediate, root), key, clock);
      issuing = located(ca, files.url(CaFiles.CRL_URL), files.url(CaFiles.OCSP_URL));
    }
    return new CaDirectory(files, root, intermediate, issuing, clock, password == null ? null : password.clone(),
        cost);
  }

  /**
   * This CA directory, naming {@code url} as the CRL distribution point of the certificates it issues, signs and
   * renews from now on, instead of the URL recorded at init ({@code crl-url}). Shares this directory's password:
   * closing either forgets it.
   */
  public CaDirectory withCrlDistributionPoint(String url) {
    return new CaDirectory(files, root, intermediate, issuing().withCrlDistributionPoint(url), clock, password,
        keyEncryption);
  }

  /**
   * This CA directory, naming {@code url} as the OCSP responder of the certificates it issues, signs and renews from
   * now on, instead of the URL recorded at init ({@code ocsp-url}). Shares this directory's password: closing either
   * forgets it.
   */
  public CaDirectory withOcspResponder(String url) {
    return new CaDirectory(files, root, intermediate, issuing().withOcspResponder(url), clock, password,
        keyEncryption);
  }

  /** Forgets the CA password this directory was opened with (overwrites its copy). */
  @Override
  public void close() {
    Passwords.clear(password);
  }

  public Path directory() {
    return files.directory();
  }

  public X509Certificate root() {
    return root;
  }

  public X509Certificate intermediate() {
    return intermediate;
  }

  /** The issuing CA; needs the directory opened with its password. */
  public CertificateAuthority issuing() {
    if (issuing == null) {
      throw new IllegalStateException("this operation needs the CA key: give the CA password");
    }
    return issuing;
  }

  /** Issues under {@code spec}, generating the key, and records the certificate; the caller keeps the result. */
  public IssuedCertificate issue(CertificateSpec spec) {
    return issue(spec, CaIssuance.KEPT_BY_CALLER);
  }

  /**
   * Issues under {@code spec}, generating the key, delivers the certificate and records it, as one step under the
   * CA's lock: {@code delivery} is checked before anything is signed, and the certificate is recorded only once its
   * files are written (a failure to record removes them again).
   */
  public IssuedCertificate issue(CertificateSpec spec, Delivery delivery) {
    return issuance.delivered(delivery, ca -> ca.issue(spec));
  }

  /** Signs a CSR under {@code profile} and {@code policy}, and records the certificate. */
  public IssuedCertificate sign(Csr csr, Profile profile, NamePolicy policy, Duration validity) {
    return sign(csr, profile, policy, validity, CaIssuance.KEPT_BY_CALLER);
  }

  /** Signs a CSR like {@link #sign(Csr, Profile, NamePolicy, Duration)}, delivering it as {@link #issue} does. */
  public IssuedCertificate sign(Csr csr, Profile profile, NamePolicy policy, Duration validity, Delivery delivery) {
    return issuance.delivered(delivery, ca -> {
      issuance.refuseCompromisedKey(csr.publicKey(), "the request's key");
      return ca.sign(csr, profile, policy, validity);
    });
  }

  /** Re-issues the certificate {@code serial} for the same names (and key, unless {@code newKey}), and records it. */
  public X509Certificate renew(BigInteger serial, PublicKey newKey, Duration validity) {
    return issuance.delivered(CaIssuance.KEPT_BY_CALLER, ca -> new IssuedCertificate(
        List.of(issuance.renewal(ca, serial, newKey, validity)), null)).certificate();
  }

  /**
   * Re-issues the certificate {@code serial} like {@link #renew(BigInteger, PublicKey, Duration)}, for the key pair
   * {@code newKey} when not null, and delivers it as {@link #issue} does.
   */
  public IssuedCertificate renew(BigInteger serial, KeyPair newKey, Duration validity, Delivery delivery) {
    return issuance.delivered(delivery, ca -> new IssuedCertificate(List.of(issuance.renewal(ca, serial,
        newKey == null ? null : newKey.getPublic(), validity), intermediate), newKey));
  }

  public X509Certificate certificate(BigInteger serial) {
    return files.certificate(serial);
  }

  /**
   * Marks {@code serial} revoked: a certificate the issuing CA issued, or the issuing CA itself (revoked by the root,
   * which cuts off everything below it). Revoking twice is refused: the first reason and time stand. Revoking the
   * delegated OCSP signer on file makes a new one at once (valid as long as the revoked one was): nothing signs with
   * a revoked signer, and a responder that runs elsewhere switches to the new one at its next answer.
   */
  public IndexEntry revoke(BigInteger serial, RevocationReason reason) {
    issuing();
    return issuance.locked(() -> {
      IndexEntry revoked = index.revoke(serial, reason, clock.instant());
      try {
        signers.replaceRevoked(serial);
      } catch (RuntimeException e) {
        throw new IllegalStateException("serial " + revoked.serialHex() + " (the delegated OCSP signer) is revoked,"
            + " but no new signer could be made: " + e.getMessage() + "; responders answer tryLater until one is", e);
      }
      return revoked;
    });
  }

  /**
   * Signs new CRLs, valid for {@code validity}: the issuing CA's (every certificate it issued that is revoked) and
   * the root's (the intermediate, if revoked). Writes both to crl.pem, so that one file covers every CA of a path.
   */
  public PublishedCrls generateCrl(Duration validity) {
    return signCrls(validity, true);
  }

  /**
   * Signs new CRLs like {@link #generateCrl}, with the next numbers, for a publisher that hands them out itself:
   * crl.pem, which servers may read, is left as it is.
   */
  public PublishedCrls signCrls(Duration validity) {
    return signCrls(validity, false);
  }

  private PublishedCrls signCrls(Duration validity, boolean toFile) {
    CertificateAuthority rootCa = rootAuthority();
    return issuance.locked(() -> CaCrls.sign(files, index, issuing(), rootCa, clock.instant(), validity, toFile));
  }

  /**
   * Signs crl.pem anew when it lacks a revocation the indexes list, has passed half its validity, or is missing or
   * not this CA's, keeping the validity its CRLs had (what {@code pki crl --days} chose; 7 days when there were
   * none): the new CRLs, or empty when crl.pem is current. What a running publisher calls now and then, so that a
   * server reading crl.pem has every revocation, and CRLs that last long after the publisher stops.
   */
  public Optional<PublishedCrls> refreshCrlFile() {
    issuing();
    if (CaCrls.fileRenewal(files, index, intermediate, root, clock.instant()).isEmpty()) {
      return Optional.empty();
    }
    CertificateAuthority rootCa = rootAuthority();
    return issuance.locked(() -> CaCrls.fileRenewal(files, index, intermediate, root, clock.instant())
        .map(validity -> CaCrls.sign(files, index, issuing(), rootCa, clock.instant(), validity, true)));
  }

  /** What the issuing CA issued. */
  public List<IndexEntry> entries() {
    return index.issued();
  }

  /** What the root issued: the intermediate, revoked or not. */
  public List<IndexEntry> rootEntries() {
    return index.rootIssued();
  }

  /** Valid (not revoked) certificates whose notAfter falls within {@code window} from now, expired included. */
  public List<IndexEntry> expiringWithin(Duration window) {
    Instant limit = clock.instant().plus(window);
    return index.issued().stream()
        .filter(e -> e.status() == IndexEntry.Status.VALID && !e.notAfter().isAfter(limit))
        .toList();
  }

  /** Valid (not revoked) certificates the issuing CA issued for {@code key}: what a new one for it stands beside. */
  public List<IndexEntry> validFor(PublicKey key) {
    return issuance.issuedFor(key, e -> e.status() == IndexEntry.Status.VALID);
  }

  /** The issuing CA's index entry for {@code serial}: the index as it is now, parsed once per change. */
  public Optional<IndexEntry> entry(BigInteger serial) {
    return index.entry(serial);
  }

  /** What the issuing CA issued, as the index is now: parsed once per change, shared by every caller. */
  IndexSnapshot issuedSnapshot() {
    return index.issuedSnapshot();
  }

  /** What the root issued, as its index is now: parsed once per change, shared by every caller. */
  IndexSnapshot rootSnapshot() {
    return index.rootSnapshot();
  }

  /**
   * The issuing CA's delegated OCSP signer ({@code ocsp-signer.pem}, {@code ocsp-signer.key}, encrypted with the CA
   * password): the one on file while it is valid for more than {@code renewBefore} and not revoked, else a new one
   * issued ({@link CertificateAuthority#issueOcspSigner}, {@code validity}) and recorded in the index like every
   * certificate.
   */
  public OcspSigner ocspSigner(Duration validity, Duration renewBefore) {
    return signers.current(validity, renewBefore);
  }

  /** The delegated OCSP signer's certificate on file, if any; needs no password. */
  public Optional<X509Certificate> ocspSignerCertificate() {
    return signers.certificate();
  }

  /**
   * The EST listener's server certificate and key ({@code est-server.pem}, {@code est-server.key}), for {@code names}:
   * the one on file until two thirds of its life have passed (or it is revoked, or the names differ), else a new one
   * valid for {@code validity}, recorded in the index like every certificate.
   */
  public Identity estServerIdentity(List<SubjectAltName> names, Duration validity) {
    issuing();
    return new EstServerFiles(files, index, issuance, intermediate, password, keyEncryption, clock)
        .current(names, validity);
  }

  /** How this directory issues: check, sign, deliver, record under its lock. */
  CaIssuance issuance() {
    return issuance;
  }

  /** Whether the index lists {@code certificate} (one the issuing CA issued) as revoked. */
  boolean isRevoked(X509Certificate certificate) {
    return index.revoked(certificate.getSerialNumber());
  }

  /** The root as a CA, for its CRL; its key is read only here, with the same password as the issuing CA's. */
  private CertificateAuthority rootAuthority() {
    if (password == null) {
      throw new IllegalStateException("this operation needs the CA key: give the CA password");
    }
    PrivateKey key = Pem.loadPrivateKey(files.file(CaFiles.ROOT_KEY), password);
    return CertificateAuthority.of(List.of(root), key, clock);
  }

  /** {@code ca} naming the publication URLs that are not null. */
  static CertificateAuthority located(CertificateAuthority ca, String crlUrl, String ocspUrl) {
    CertificateAuthority withCrl = crlUrl == null ? ca : ca.withCrlDistributionPoint(crlUrl);
    return ocspUrl == null ? withCrl : withCrl.withOcspResponder(ocspUrl);
  }

  static void requirePassword(char[] password) {
    if (password == null || password.length == 0) {
      throw new IllegalArgumentException("the CA keys need a password");
    }
  }
}
