package dev.mtls.pki;

import dev.mtls.pki.internal.store.CaFiles;
import dev.mtls.pki.internal.store.DirectoryLock;
import dev.mtls.pki.internal.store.Rollback;
import dev.mtls.pki.material.Fingerprint;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * How a CA directory issues: what it refuses before it signs, and check, sign, deliver, record as one step under the
 * directory's lock, so that no other command sees the step half done and its index lists only what was delivered.
 */
final class CaIssuance {
  /** For the callers that keep the certificate themselves: nothing to check or write before it is recorded. */
  static final Delivery KEPT_BY_CALLER = new Delivery() {
    @Override
    public void check() {}

    @Override
    public List<Path> files() {
      return List.of();
    }

    @Override
    public List<Path> write(IssuedCertificate issued) {
      return List.of();
    }
  };

  private final CaFiles files;
  private final CaIndex index;
  private final X509Certificate intermediate;
  private final Supplier<CertificateAuthority> issuing;

  /** {@code issuing} throws when the directory was opened without the CA password. */
  CaIssuance(CaFiles files, CaIndex index, X509Certificate intermediate, Supplier<CertificateAuthority> issuing) {
    this.files = files;
    this.index = index;
    this.intermediate = intermediate;
    this.issuing = issuing;
  }

  /**
   * {@code delivery} checked, the certificate {@code signing} makes with the issuing CA written by {@code delivery},
   * then recorded; a failure to record removes what was written.
   */
  IssuedCertificate delivered(Delivery delivery, Function<CertificateAuthority, IssuedCertificate> signing) {
    return locked(() -> {
      delivery.check();
      IssuedCertificate issued = signing.apply(active());
      List<Path> written = delivery.write(issued);
      try {
        index.record(issued.certificate());
      } catch (RuntimeException e) {
        throw Rollback.remove(written, e);
      }
      return issued;
    });
  }

  /** The certificate renewing {@code serial}, unless it was revoked or its key (or {@code newKey}) was compromised. */
  X509Certificate renewal(CertificateAuthority ca, BigInteger serial, PublicKey newKey, Duration validity) {
    X509Certificate existing = files.certificate(serial);
    index.entry(serial).filter(e -> e.status() == IndexEntry.Status.REVOKED).ifPresent(e -> {
      throw new IllegalStateException("serial " + serial.toString(16) + " was revoked on " + e.revokedAt() + " ("
          + e.reason().cliName() + "): a revoked certificate is not renewed; issue a new one"
          + (e.reason() == RevocationReason.KEY_COMPROMISE ? " with a new key" : ""));
    });
    refuseCompromisedKey(newKey == null ? existing.getPublicKey() : newKey,
        newKey == null ? "its key (renew with --new-key)" : "the new key");
    return ca.renew(existing, newKey, validity);
  }

  /**
   * A key once revoked for keyCompromise is certified never again, in any certificate: whoever holds the stolen key
   * would hold the new certificate too.
   */
  void refuseCompromisedKey(PublicKey key, String what) {
    List<IndexEntry> compromised = issuedFor(key, e -> e.reason() == RevocationReason.KEY_COMPROMISE);
    if (!compromised.isEmpty()) {
      IndexEntry entry = compromised.get(0);
      throw new IllegalStateException(what + " was revoked for keyCompromise with serial "
          + entry.serialHex() + " on " + entry.revokedAt() + "; it is never certified again: use a new key");
    }
  }

  /** What the issuing CA issued for {@code key}, among the entries {@code among} lets through. */
  List<IndexEntry> issuedFor(PublicKey key, Predicate<IndexEntry> among) {
    String fingerprint = Fingerprint.sha256Of(key);
    return index.issued().stream()
        .filter(among)
        .filter(entry -> Fingerprint.sha256Of(files.certificate(entry.serial()).getPublicKey()).equals(fingerprint))
        .toList();
  }

  /** The issuing CA, refused when the root has revoked it: nothing it signs now would be trusted. */
  CertificateAuthority active() {
    CertificateAuthority ca = issuing.get();
    for (IndexEntry entry : index.rootIssued()) {
      if (entry.serial().equals(intermediate.getSerialNumber()) && entry.status() == IndexEntry.Status.REVOKED) {
        throw new IllegalStateException("the issuing CA (serial " + entry.serialHex() + ") was revoked on "
            + entry.revokedAt() + " (" + entry.reason().cliName() + "): it must not issue anymore; create a new CA");
      }
    }
    return ca;
  }

  /** Runs {@code action} holding the directory's lock (not reentrant: {@code action} must not ask again). */
  <T> T locked(Supplier<T> action) {
    return DirectoryLock.hold(files.directory(), action);
  }
}
