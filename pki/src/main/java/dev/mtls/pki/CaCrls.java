package dev.mtls.pki;

import dev.mtls.pki.internal.store.CaFiles;
import dev.mtls.pki.internal.store.DirectoryLock;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.AtomicFiles.Visibility;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.trust.CrlSet;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Signs the CRLs of a CA directory's two CAs from their indexes, each numbered one past its last
 * ({@code crlnumber}, {@code root-crlnumber}), and writes both to {@code crl.pem}: one file covers every CA of a path.
 */
final class CaCrls {
  private CaCrls() {}

  static CaDirectory.PublishedCrls generate(CaFiles files, CaIndex index, CertificateAuthority issuing,
      CertificateAuthority root, Clock clock, Duration validity) {
    return DirectoryLock.hold(files.directory(), () -> {
      Instant now = clock.instant();
      X509CRL issuingCrl = issuing.crl(revocations(index.issued()), files.nextNumber(CaFiles.CRL_NUMBER), now,
          now.plus(validity));
      X509CRL rootCrl = root.crl(revocations(index.rootIssued()), files.nextNumber(CaFiles.ROOT_CRL_NUMBER), now,
          now.plus(validity));
      files.write(CaFiles.CRLS, Pem.encode(issuingCrl) + Pem.encode(rootCrl), Visibility.PUBLIC, Existing.REPLACE);
      files.writeNumber(CaFiles.CRL_NUMBER, CrlSet.number(issuingCrl), Existing.REPLACE);
      files.writeNumber(CaFiles.ROOT_CRL_NUMBER, CrlSet.number(rootCrl), Existing.REPLACE);
      return new CaDirectory.PublishedCrls(issuingCrl, rootCrl);
    });
  }

  private static List<Revocation> revocations(List<IndexEntry> entries) {
    return entries.stream()
        .filter(e -> e.status() == IndexEntry.Status.REVOKED)
        .map(e -> new Revocation(e.serial(), e.revokedAt(), e.reason()))
        .toList();
  }
}
