package dev.mtls.pki;

import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.AtomicFiles.Visibility;
import dev.mtls.pki.material.AtomicFiles;
import dev.mtls.pki.material.Fingerprint;
import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.pki.material.Passwords;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.SafeText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
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
 *   crl.pem                        the latest CRLs: the issuing CA's, then the root's (which can revoke the
 *                                  intermediate and so every certificate below it)
 *   crl-url, ocsp-url              where the leaves the issuing CA signs say their status is published (optional)
 *   root-crl-url                   the root's CRL, named in the intermediate (optional; a record of what init did)
 *   ocsp-signer.pem, ocsp-signer.key   the delegated OCSP signer, made on first use
 *   certs/SERIAL.pem               every certificate issued
 * </pre>
 *
 * Every write is atomic; mutations hold a lock file so two commands cannot interleave. The CA keys are
 * encrypted with the CA password (PBES2, AES-256-CBC, PBKDF2-HMAC-SHA256).
 */
public final class CaDirectory implements AutoCloseable {
  private static final String HEADER = "# serial\tstatus\tnot-after\trevoked-at\treason\tsubject";

  private static final String ROOT_INDEX = "root-index.tsv";

  /** The CRLs {@link #generateCrl} published: the issuing CA's and the root's. */
  public record PublishedCrls(X509CRL issuing, X509CRL root) {}

  private final Path directory;
  private final X509Certificate root;
  private final CertificateAuthority issuing;
  private final X509Certificate intermediate;
  private final Clock clock;
  private final char[] password;

  /** Takes {@code password} as it is: {@link #init} and {@link #open} give it a copy of the caller's. */
  private CaDirectory(Path directory, X509Certificate root, X509Certificate intermediate,
      CertificateAuthority issuing, Clock clock, char[] password) {
    this.directory = directory;
    this.root = root;
    this.intermediate = intermediate;
    this.issuing = issuing;
    this.clock = clock;
    this.password = password;
  }

  /**
   * What {@link #init} creates. Where revocation status is published (each may be null): {@code crlUrl} is the CRL
   * distribution point of the leaves the issuing CA signs, {@code rootCrlUrl} that of the intermediate (whose status
   * is in the root's CRL, not the issuing CA's), {@code ocspUrl} the OCSP responder in the Authority Information
   * Access of the leaves.
   */
  public record InitOptions(X500Principal rootSubject, X500Principal intermediateSubject, KeyAlgorithm keyAlgorithm,
      String crlUrl, String rootCrlUrl, String ocspUrl, KeyEncryption keyEncryption) {
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
    requirePassword(password);
    Path rootFile = directory.resolve("root.pem");
    if (Files.exists(rootFile) && !replaceExisting) {
      throw new IllegalStateException(directory + ": a CA already exists here (root.pem); refusing to overwrite it. "
          + "Use another directory, or --force to replace it and orphan what it issued");
    }
    CertificateAuthority createdRoot = CertificateAuthority.createRoot(options.rootSubject(), options.keyAlgorithm(),
        CertificateAuthority.ROOT_VALIDITY, clock);
    CertificateAuthority rootCa = options.rootCrlUrl() == null
        ? createdRoot : createdRoot.withCrlDistributionPoint(options.rootCrlUrl());
    CertificateAuthority issuing = rootCa.createIntermediate(options.intermediateSubject(), options.keyAlgorithm(),
        CertificateAuthority.INTERMEDIATE_VALIDITY);
    // Before any file is written: a URL that is refused must not leave a CA behind.
    CertificateAuthority located = located(issuing, options.crlUrl(), options.ocspUrl());
    Existing existing = replaceExisting ? Existing.REPLACE : Existing.REFUSE;
    try {
      Files.createDirectories(directory.resolve("certs"));
    } catch (IOException e) {
      throw new UncheckedIOException(directory + ": cannot create: " + e.getMessage(), e);
    }
    return withLock(directory, () -> {
      AtomicFiles.writeString(directory.resolve("root.key"),
          Pem.encodeEncrypted(rootCa.privateKey(), password, options.keyEncryption()), Visibility.PRIVATE, existing);
      AtomicFiles.writeString(directory.resolve("intermediate.key"),
          Pem.encodeEncrypted(issuing.privateKey(), password, options.keyEncryption()), Visibility.PRIVATE,
          existing);
      AtomicFiles.writeString(directory.resolve("intermediate.pem"), Pem.encode(issuing.certificate()),
          Visibility.PUBLIC, existing);
      AtomicFiles.writeString(directory.resolve("ca-chain.pem"), Pem.encode(issuing.chain()), Visibility.PUBLIC,
          existing);
      AtomicFiles.writeString(directory.resolve("index.tsv"), HEADER + "\n", Visibility.PUBLIC, existing);
      AtomicFiles.writeString(directory.resolve("crlnumber"), "0\n", Visibility.PUBLIC, existing);
      AtomicFiles.writeString(directory.resolve("root-crlnumber"), "0\n", Visibility.PUBLIC, existing);
      AtomicFiles.writeString(directory.resolve(ROOT_INDEX), indexText(List.of(entryFor(issuing.certificate()))),
          Visibility.PUBLIC, existing);
      writeUrl(directory.resolve("crl-url"), options.crlUrl(), existing);
      writeUrl(directory.resolve("root-crl-url"), options.rootCrlUrl(), existing);
      writeUrl(directory.resolve("ocsp-url"), options.ocspUrl(), existing);
      // root.pem last: its presence is what marks the directory as a complete CA.
      AtomicFiles.writeString(rootFile, Pem.encode(rootCa.certificate()), Visibility.PUBLIC, existing);
      return new CaDirectory(directory, rootCa.certificate(), issuing.certificate(), located, clock,
          password.clone());
    });
  }

  /** Opens a CA; {@code password} may be null for read-only use (list, expiring, certificates). */
  public static CaDirectory open(Path directory, char[] password, Clock clock) {
    Path rootFile = directory.resolve("root.pem");
    if (!Files.exists(rootFile)) {
      throw new KeyMaterialException(directory + ": not a CA directory (no root.pem); create one with 'init'");
    }
    X509Certificate root = Pem.loadCertificates(rootFile).get(0);
    X509Certificate intermediate = Pem.loadCertificates(directory.resolve("intermediate.pem")).get(0);
    CertificateAuthority issuing = null;
    if (password != null) {
      PrivateKey key = Pem.loadPrivateKey(directory.resolve("intermediate.key"), password);
      CertificateAuthority ca = CertificateAuthority.of(List.of(intermediate, root), key, clock);
      issuing = located(ca, recordedUrl(directory.resolve("crl-url")), recordedUrl(directory.resolve("ocsp-url")));
    }
    return new CaDirectory(directory, root, intermediate, issuing, clock, password == null ? null : password.clone());
  }

  /**
   * This CA directory, naming {@code url} as the CRL distribution point of the certificates it issues, signs and
   * renews from now on, instead of the URL recorded at init ({@code crl-url}). Shares this directory's password:
   * closing either forgets it.
   */
  public CaDirectory withCrlDistributionPoint(String url) {
    return new CaDirectory(directory, root, intermediate, issuing().withCrlDistributionPoint(url), clock, password);
  }

  /**
   * This CA directory, naming {@code url} as the OCSP responder of the certificates it issues, signs and renews from
   * now on, instead of the URL recorded at init ({@code ocsp-url}). Shares this directory's password: closing either
   * forgets it.
   */
  public CaDirectory withOcspResponder(String url) {
    return new CaDirectory(directory, root, intermediate, issuing().withOcspResponder(url), clock, password);
  }

  /** Forgets the CA password this directory was opened with (overwrites its copy). */
  @Override
  public void close() {
    Passwords.clear(password);
  }

  public Path directory() {
    return directory;
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

  /** The issuing CA, refused when the root has revoked it: nothing it signs now would be trusted. */
  private CertificateAuthority activeIssuing() {
    CertificateAuthority ca = issuing();
    for (IndexEntry entry : readIndex(ROOT_INDEX)) {
      if (entry.serial().equals(intermediate.getSerialNumber()) && entry.status() == IndexEntry.Status.REVOKED) {
        throw new IllegalStateException("the issuing CA (serial " + entry.serialHex() + ") was revoked on "
            + entry.revokedAt() + " (" + entry.reason().cliName() + "): it must not issue anymore; create a new CA");
      }
    }
    return ca;
  }

  /** Issues under {@code spec}, generating the key, and records the certificate. */
  public IssuedCertificate issue(CertificateSpec spec) {
    IssuedCertificate issued = activeIssuing().issue(spec);
    record(issued.certificate());
    return issued;
  }

  /** Signs a CSR under {@code profile} and {@code policy}, and records the certificate. */
  public IssuedCertificate sign(Csr csr, Profile profile, NamePolicy policy, Duration validity) {
    refuseCompromisedKey(csr.publicKey(), "the request's key");
    IssuedCertificate issued = activeIssuing().sign(csr, profile, policy, validity);
    record(issued.certificate());
    return issued;
  }

  /** Re-issues the certificate {@code serial} for the same names (and key, unless {@code newKey}). */
  public X509Certificate renew(BigInteger serial, PublicKey newKey, Duration validity) {
    X509Certificate existing = certificate(serial);
    entry(serial).filter(e -> e.status() == IndexEntry.Status.REVOKED).ifPresent(e -> {
      throw new IllegalStateException("serial " + serial.toString(16) + " was revoked on " + e.revokedAt() + " ("
          + e.reason().cliName() + "): a revoked certificate is not renewed; issue a new one"
          + (e.reason() == RevocationReason.KEY_COMPROMISE ? " with a new key" : ""));
    });
    refuseCompromisedKey(newKey == null ? existing.getPublicKey() : newKey,
        newKey == null ? "its key (renew with --new-key)" : "the new key");
    X509Certificate renewed = activeIssuing().renew(existing, newKey, validity);
    record(renewed);
    return renewed;
  }

  /**
   * A key once revoked for keyCompromise is certified never again, in any certificate: whoever holds the stolen key
   * would hold the new certificate too.
   */
  private void refuseCompromisedKey(PublicKey key, String what) {
    String fingerprint = Fingerprint.sha256Of(key);
    for (IndexEntry entry : readIndex("index.tsv")) {
      if (entry.reason() == RevocationReason.KEY_COMPROMISE
          && Fingerprint.sha256Of(certificate(entry.serial()).getPublicKey()).equals(fingerprint)) {
        throw new IllegalStateException(what + " was revoked for keyCompromise with serial "
            + entry.serialHex() + " on " + entry.revokedAt() + "; it is never certified again: use a new key");
      }
    }
  }

  public X509Certificate certificate(BigInteger serial) {
    Path file = directory.resolve("certs").resolve(serial.toString(16) + ".pem");
    if (!Files.exists(file)) {
      throw new IllegalArgumentException("no certificate with serial " + serial.toString(16) + " in " + directory);
    }
    return Pem.loadCertificates(file).get(0);
  }

  /**
   * Marks {@code serial} revoked: a certificate the issuing CA issued, or the issuing CA itself (revoked by the root,
   * which cuts off everything below it). Revoking twice is refused: the first reason and time stand.
   */
  public IndexEntry revoke(BigInteger serial, RevocationReason reason) {
    issuing();
    return withLock(directory, () -> {
      for (String index : List.of("index.tsv", ROOT_INDEX)) {
        List<IndexEntry> entries = readIndex(index);
        for (int i = 0; i < entries.size(); i++) {
          IndexEntry entry = entries.get(i);
          if (entry.serial().equals(serial)) {
            if (entry.status() == IndexEntry.Status.REVOKED) {
              throw new IllegalStateException("serial " + serial.toString(16) + " is already revoked ("
                  + entry.reason().cliName() + ", " + entry.revokedAt() + ")");
            }
            IndexEntry revoked = entry.revoked(clock.instant(), reason);
            entries.set(i, revoked);
            writeIndex(index, entries);
            return revoked;
          }
        }
      }
      throw new IllegalArgumentException("no certificate with serial " + serial.toString(16) + " in " + directory
          + "; 'list' shows the serials");
    });
  }

  /**
   * Signs new CRLs, valid for {@code validity}: the issuing CA's (every certificate it issued that is revoked) and
   * the root's (the intermediate, if revoked). Writes both to crl.pem, so that one file covers every CA of a path.
   */
  public PublishedCrls generateCrl(Duration validity) {
    CertificateAuthority ca = issuing();
    CertificateAuthority rootCa = rootAuthority();
    return withLock(directory, () -> {
      Instant now = clock.instant();
      X509CRL issuingCrl = ca.crl(revocations(readIndex("index.tsv")), nextNumber("crlnumber"), now,
          now.plus(validity));
      X509CRL rootCrl = rootCa.crl(revocations(readIndex(ROOT_INDEX)), nextNumber("root-crlnumber"), now,
          now.plus(validity));
      AtomicFiles.writeString(directory.resolve("crl.pem"), Pem.encode(issuingCrl) + Pem.encode(rootCrl),
          Visibility.PUBLIC, Existing.REPLACE);
      AtomicFiles.writeString(directory.resolve("crlnumber"), dev.mtls.pki.material.trust.CrlSet.number(issuingCrl) + "\n", Visibility.PUBLIC,
          Existing.REPLACE);
      AtomicFiles.writeString(directory.resolve("root-crlnumber"), dev.mtls.pki.material.trust.CrlSet.number(rootCrl) + "\n",
          Visibility.PUBLIC, Existing.REPLACE);
      return new PublishedCrls(issuingCrl, rootCrl);
    });
  }

  /** The root as a CA, for its CRL; its key is read only here, with the same password as the issuing CA's. */
  private CertificateAuthority rootAuthority() {
    if (password == null) {
      throw new IllegalStateException("this operation needs the CA key: give the CA password");
    }
    PrivateKey key = Pem.loadPrivateKey(directory.resolve("root.key"), password);
    return CertificateAuthority.of(List.of(root), key, clock);
  }

  private BigInteger nextNumber(String file) {
    Path numberFile = directory.resolve(file);
    // CA directories made before the root published CRLs have no root-crlnumber yet.
    String text = Files.exists(numberFile) ? readString(numberFile).trim() : "0";
    return new BigInteger(text).add(BigInteger.ONE);
  }

  private static List<Revocation> revocations(List<IndexEntry> entries) {
    List<Revocation> revoked = new ArrayList<>();
    for (IndexEntry entry : entries) {
      if (entry.status() == IndexEntry.Status.REVOKED) {
        revoked.add(new Revocation(entry.serial(), entry.revokedAt(), entry.reason()));
      }
    }
    return revoked;
  }

  /** What the issuing CA issued. */
  public List<IndexEntry> entries() {
    return readIndex("index.tsv");
  }

  /** What the root issued: the intermediate, revoked or not. */
  public List<IndexEntry> rootEntries() {
    return readIndex(ROOT_INDEX);
  }

  /** Valid (not revoked) certificates whose notAfter falls within {@code window} from now, expired included. */
  public List<IndexEntry> expiringWithin(Duration window) {
    Instant limit = clock.instant().plus(window);
    return readIndex("index.tsv").stream()
        .filter(e -> e.status() == IndexEntry.Status.VALID && !e.notAfter().isAfter(limit))
        .toList();
  }

  /** The delegated OCSP responder's certificate (first: the issuing CA's chain follows) and key. */
  public record OcspSigner(List<X509Certificate> chain, PrivateKey privateKey) {
    public X509Certificate certificate() {
      return chain.get(0);
    }
  }

  /**
   * The issuing CA's delegated OCSP signer ({@code ocsp-signer.pem}, {@code ocsp-signer.key}, encrypted with the CA
   * password): the one on file while it is valid for more than {@code renewBefore}, else a new one issued
   * ({@link CertificateAuthority#issueOcspSigner}, {@code validity}) and recorded in the index like every certificate.
   */
  public OcspSigner ocspSigner(Duration validity, Duration renewBefore) {
    Path certificateFile = directory.resolve("ocsp-signer.pem");
    Path keyFile = directory.resolve("ocsp-signer.key");
    if (Files.exists(certificateFile) && Files.exists(keyFile)) {
      List<X509Certificate> chain = Pem.loadCertificates(certificateFile);
      if (chain.get(0).getNotAfter().toInstant().isAfter(clock.instant().plus(renewBefore))
          && signedBy(chain.get(0), intermediate)) {
        requirePassword(password);
        return new OcspSigner(chain, Pem.loadPrivateKey(keyFile, password));
      }
    }
    CertificateAuthority ca = activeIssuing();
    // Its issuer field says whose responder it is.
    IssuedCertificate issued = ca.issueOcspSigner(new X500Principal("CN=OCSP Responder"), validity);
    record(issued.certificate());
    withLock(directory, () -> {
      AtomicFiles.writeString(keyFile, Pem.encodeEncrypted(issued.keyPair().getPrivate(), password),
          Visibility.PRIVATE, Existing.REPLACE);
      AtomicFiles.writeString(certificateFile, Pem.encode(issued.chain()), Visibility.PUBLIC, Existing.REPLACE);
      return null;
    });
    return new OcspSigner(issued.chain(), issued.keyPair().getPrivate());
  }

  /** By the key, not the name: a CA re-created under the same names has another key. */
  private static boolean signedBy(X509Certificate certificate, X509Certificate issuer) {
    try {
      certificate.verify(issuer.getPublicKey());
      return true;
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }

  public Optional<IndexEntry> entry(BigInteger serial) {
    return readIndex("index.tsv").stream().filter(e -> e.serial().equals(serial)).findFirst();
  }

  private void record(X509Certificate certificate) {
    withLock(directory, () -> {
      String serial = certificate.getSerialNumber().toString(16);
      AtomicFiles.writeString(directory.resolve("certs").resolve(serial + ".pem"), Pem.encode(certificate),
          Visibility.PUBLIC, Existing.REFUSE);
      List<IndexEntry> entries = readIndex("index.tsv");
      entries.add(entryFor(certificate));
      writeIndex("index.tsv", entries);
      return null;
    });
  }

  private static IndexEntry entryFor(X509Certificate certificate) {
    return new IndexEntry(certificate.getSerialNumber(), IndexEntry.Status.VALID,
        certificate.getNotAfter().toInstant(), null, null,
        certificate.getSubjectX500Principal().getName(X500Principal.RFC2253));
  }

  private List<IndexEntry> readIndex(String name) {
    Path file = directory.resolve(name);
    if (name.equals(ROOT_INDEX) && !Files.exists(file)) {
      // A CA directory made before the root kept an index: the root issued exactly the intermediate.
      return new ArrayList<>(List.of(entryFor(intermediate)));
    }
    List<IndexEntry> entries = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\t", -1);
      try {
        if (fields.length != 6) {
          throw new IllegalArgumentException("expected 6 tab-separated fields, found " + fields.length);
        }
        boolean revoked = fields[1].equals("R");
        if (!revoked && !fields[1].equals("V")) {
          throw new IllegalArgumentException("status must be V or R, found '" + SafeText.escape(fields[1]) + "'");
        }
        entries.add(new IndexEntry(new BigInteger(fields[0], 16),
            revoked ? IndexEntry.Status.REVOKED : IndexEntry.Status.VALID,
            Instant.parse(fields[2]),
            revoked ? Instant.parse(fields[3]) : null,
            revoked ? RevocationReason.fromCliName(fields[4]) : null,
            unescape(fields[5])));
      } catch (RuntimeException e) {
        throw new IllegalStateException(file + ":" + (i + 1) + ": corrupt index line: " + e.getMessage()
            + "; fix or restore the line (nothing was changed)", e);
      }
    }
    return entries;
  }

  private void writeIndex(String name, List<IndexEntry> entries) {
    AtomicFiles.writeString(directory.resolve(name), indexText(entries), Visibility.PUBLIC, Existing.REPLACE);
  }

  private static String indexText(List<IndexEntry> entries) {
    StringBuilder out = new StringBuilder(HEADER).append('\n');
    for (IndexEntry entry : entries) {
      out.append(entry.serialHex()).append('\t')
          .append(entry.status() == IndexEntry.Status.REVOKED ? "R" : "V").append('\t')
          .append(entry.notAfter()).append('\t')
          .append(entry.revokedAt() == null ? "" : entry.revokedAt().toString()).append('\t')
          .append(entry.reason() == null ? "" : entry.reason().cliName()).append('\t')
          .append(escape(entry.subject())).append('\n');
    }
    return out.toString();
  }

  /** Subjects are attacker-influenced (CSRs): keep the one-line-per-entry format whatever they contain. */
  private static String escape(String subject) {
    return subject.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
  }

  private static String unescape(String field) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 1 < field.length()) {
        char next = field.charAt(++i);
        out.append(switch (next) {
          case 't' -> '\t';
          case 'n' -> '\n';
          case 'r' -> '\r';
          default -> next;
        });
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** {@code ca} naming the publication URLs that are not null. */
  private static CertificateAuthority located(CertificateAuthority ca, String crlUrl, String ocspUrl) {
    CertificateAuthority withCrl = crlUrl == null ? ca : ca.withCrlDistributionPoint(crlUrl);
    return ocspUrl == null ? withCrl : withCrl.withOcspResponder(ocspUrl);
  }

  /** A URL recorded at init, or null when none was. */
  private static String recordedUrl(Path file) {
    return Files.exists(file) ? readString(file).trim() : null;
  }

  private static void writeUrl(Path file, String url, Existing existing) {
    if (url != null) {
      AtomicFiles.writeString(file, url + "\n", Visibility.PUBLIC, existing);
    } else if (existing == Existing.REPLACE) {
      // A replaced CA must not hand its URLs on to the one replacing it.
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        throw new UncheckedIOException(file + ": cannot delete: " + e.getMessage(), e);
      }
    }
  }

  private static String readString(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static <T> T withLock(Path directory, Supplier<T> action) {
    Path lockFile = directory.resolve(".lock");
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock()) {
      if (lock == null) {
        throw new IllegalStateException(directory + ": another pki command is changing this CA; try again");
      }
      return action.get();
    } catch (IOException e) {
      throw new UncheckedIOException(lockFile + ": cannot lock: " + e.getMessage(), e);
    }
  }

  private static void requirePassword(char[] password) {
    if (password == null || password.length == 0) {
      throw new IllegalArgumentException("the CA keys need a password");
    }
  }
}
