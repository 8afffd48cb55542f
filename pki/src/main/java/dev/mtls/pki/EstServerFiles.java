package dev.mtls.pki;

import dev.mtls.pki.internal.store.CaFiles;
import dev.mtls.pki.internal.store.Rollback;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.AtomicFiles.Visibility;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.SubjectAltName;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * The EST listener's own server certificate, kept in the CA directory ({@code est-server.pem}, the chain, and
 * {@code est-server.key}, encrypted with the CA password, 0600) so that a restarted {@code pki serve} presents the
 * same one. It is issued by the CA like any certificate (and recorded in its index), and replaced once two thirds of
 * its life have passed, when the names asked for change, or when it was revoked.
 */
final class EstServerFiles {
  private final CaFiles files;
  private final CaIndex index;
  private final CaIssuance issuance;
  private final X509Certificate intermediate;
  private final char[] password;
  private final KeyEncryption cost;
  private final Clock clock;

  EstServerFiles(CaFiles files, CaIndex index, CaIssuance issuance, X509Certificate intermediate, char[] password,
      KeyEncryption cost, Clock clock) {
    this.files = files;
    this.index = index;
    this.issuance = issuance;
    this.intermediate = intermediate;
    this.password = password;
    this.cost = cost;
    this.clock = clock;
  }

  /** The certificate on file while it is current for {@code names}, else a new one valid for {@code validity}. */
  Identity current(List<SubjectAltName> names, Duration validity) {
    CaDirectory.requirePassword(password);
    return load(names).orElseGet(() -> issuance.locked(() -> load(names).orElseGet(() -> issue(names, validity))));
  }

  private Optional<Identity> load(List<SubjectAltName> names) {
    if (!files.exists(CaFiles.EST_SERVER_CERTIFICATE) || !files.exists(CaFiles.EST_SERVER_KEY)) {
      return Optional.empty();
    }
    List<X509Certificate> chain = Pem.loadCertificates(files.file(CaFiles.EST_SERVER_CERTIFICATE));
    X509Certificate leaf = chain.get(0);
    Instant start = leaf.getNotBefore().toInstant();
    Instant renewAt = start.plus(Duration.between(start, leaf.getNotAfter().toInstant()).multipliedBy(2).dividedBy(3));
    if (!clock.instant().isBefore(renewAt) || !OcspSignerFiles.signedBy(leaf, intermediate) || index.revoked(leaf.getSerialNumber())
        || !new HashSet<>(SubjectAltName.of(leaf)).equals(new HashSet<>(names))) {
      return Optional.empty();
    }
    return Optional.of(Identity.of(Pem.loadPrivateKey(files.file(CaFiles.EST_SERVER_KEY), password), chain));
  }

  /** Issues, writes and records a server certificate; the caller holds the CA's lock. */
  private Identity issue(List<SubjectAltName> names, Duration validity) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("the EST server certificate needs at least one name (--est-name)");
    }
    CertificateSpec.Builder spec = CertificateSpec.server("CN=" + names.get(0).value() + " EST").validity(validity);
    names.forEach(spec::addSubjectAltName);
    IssuedCertificate issued = issuance.active().issue(spec.build());
    try {
      files.write(CaFiles.EST_SERVER_KEY, Pem.encodeEncrypted(issued.keyPair().getPrivate(), password, cost),
          Visibility.PRIVATE, Existing.REPLACE);
      files.write(CaFiles.EST_SERVER_CERTIFICATE, Pem.encode(issued.chain()), Visibility.PUBLIC, Existing.REPLACE);
      index.record(issued.certificate());
    } catch (RuntimeException e) {
      throw Rollback.remove(List.of(files.file(CaFiles.EST_SERVER_CERTIFICATE), files.file(CaFiles.EST_SERVER_KEY)),
          e);
    }
    return issued.identity();
  }
}
