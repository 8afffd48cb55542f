package dev.mtls.pki;

import dev.mtls.pki.internal.store.CaFiles;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.AtomicFiles.Visibility;
import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.trust.CrlSet;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Signs the CRLs of a CA directory's two CAs from their indexes, each numbered one past its last
 * ({@code crlnumber}, {@code root-crlnumber}), and keeps {@code crl.pem}, where both go: one file covers every CA of a
 * path. Every method that writes expects the caller to hold the CA's lock.
 */
final class CaCrls {
  /** The validity of the CRLs in crl.pem when there are none to keep it from: {@code pki crl}'s default. */
  static final Duration FILE_VALIDITY = Duration.ofDays(7);

  private CaCrls() {}

  /** Signs both CRLs at {@code now}, valid for {@code validity}; writes them to crl.pem when {@code toFile}. */
  static CaDirectory.PublishedCrls sign(CaFiles files, CaIndex index, CertificateAuthority issuing,
      CertificateAuthority root, Instant now, Duration validity, boolean toFile) {
    X509CRL issuingCrl = issuing.crl(revocations(index.issued()), files.nextNumber(CaFiles.CRL_NUMBER), now,
        now.plus(validity));
    X509CRL rootCrl = root.crl(revocations(index.rootIssued()), files.nextNumber(CaFiles.ROOT_CRL_NUMBER), now,
        now.plus(validity));
    if (toFile) {
      files.write(CaFiles.CRLS, Pem.encode(issuingCrl) + Pem.encode(rootCrl), Visibility.PUBLIC, Existing.REPLACE);
    }
    files.writeNumber(CaFiles.CRL_NUMBER, CrlSet.number(issuingCrl), Existing.REPLACE);
    files.writeNumber(CaFiles.ROOT_CRL_NUMBER, CrlSet.number(rootCrl), Existing.REPLACE);
    return new CaDirectory.PublishedCrls(issuingCrl, rootCrl);
  }

  /**
   * The validity new CRLs for crl.pem get, and whether they are needed now: none when the CRLs on file are this CA's,
   * list every revocation of the indexes and have not passed half their validity. New ones keep the validity of those
   * on file (what {@code pki crl --days} chose), or {@link #FILE_VALIDITY} when there are none.
   */
  static Optional<Duration> fileRenewal(CaFiles files, CaIndex index, X509Certificate intermediate,
      X509Certificate rootCertificate, Instant now) {
    Optional<CaDirectory.PublishedCrls> onFile = onFile(files, intermediate, rootCertificate);
    if (onFile.isEmpty()) {
      return Optional.of(FILE_VALIDITY);
    }
    X509CRL issuing = onFile.get().issuing();
    boolean current = now.isBefore(halfLife(issuing)) && lists(onFile.get(), index.issued(), index.rootIssued());
    return current ? Optional.empty() : Optional.of(validity(issuing));
  }

  /** Whether {@code crls} list exactly the revocations of {@code issued} and {@code rootIssued}. */
  static boolean lists(CaDirectory.PublishedCrls crls, List<IndexEntry> issued, List<IndexEntry> rootIssued) {
    return revoked(issued).equals(listed(crls.issuing())) && revoked(rootIssued).equals(listed(crls.root()));
  }

  /** Half way through {@code crl}'s validity: when its successor is due. */
  static Instant halfLife(X509CRL crl) {
    Instant thisUpdate = crl.getThisUpdate().toInstant();
    return thisUpdate.plus(validity(crl).dividedBy(2));
  }

  private static Duration validity(X509CRL crl) {
    return Duration.between(crl.getThisUpdate().toInstant(), crl.getNextUpdate().toInstant());
  }

  /** The CRLs in crl.pem, when it holds one signed by each CA's key; a file that does not is replaced. */
  private static Optional<CaDirectory.PublishedCrls> onFile(CaFiles files, X509Certificate intermediate,
      X509Certificate root) {
    if (!files.exists(CaFiles.CRLS)) {
      return Optional.empty();
    }
    List<X509CRL> crls;
    try {
      crls = Pem.loadCrls(files.file(CaFiles.CRLS));
    } catch (KeyMaterialException | UncheckedIOException e) {
      return Optional.empty();
    }
    Optional<X509CRL> issuing = crls.stream().filter(crl -> signedBy(crl, intermediate)).findFirst();
    Optional<X509CRL> rootCrl = crls.stream().filter(crl -> signedBy(crl, root)).findFirst();
    if (issuing.isEmpty() || rootCrl.isEmpty() || issuing.get().getNextUpdate() == null) {
      return Optional.empty();
    }
    return Optional.of(new CaDirectory.PublishedCrls(issuing.get(), rootCrl.get()));
  }

  private static boolean signedBy(X509CRL crl, X509Certificate ca) {
    if (!crl.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
      return false;
    }
    try {
      crl.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static Set<BigInteger> revoked(List<IndexEntry> entries) {
    Set<BigInteger> serials = new HashSet<>();
    for (IndexEntry entry : entries) {
      if (entry.status() == IndexEntry.Status.REVOKED) {
        serials.add(entry.serial());
      }
    }
    return serials;
  }

  private static Set<BigInteger> listed(X509CRL crl) {
    Set<BigInteger> serials = new HashSet<>();
    if (crl.getRevokedCertificates() != null) {
      for (X509CRLEntry entry : crl.getRevokedCertificates()) {
        serials.add(entry.getSerialNumber());
      }
    }
    return serials;
  }

  private static List<Revocation> revocations(List<IndexEntry> entries) {
    return entries.stream()
        .filter(e -> e.status() == IndexEntry.Status.REVOKED)
        .map(e -> new Revocation(e.serial(), e.revokedAt(), e.reason()))
        .toList();
  }
}
