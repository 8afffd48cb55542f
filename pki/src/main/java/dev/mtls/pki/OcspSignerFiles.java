package dev.mtls.pki;

import dev.mtls.pki.internal.store.CaFiles;
import dev.mtls.pki.internal.store.Rollback;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.AtomicFiles.Visibility;
import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.pki.material.Pem;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * The delegated OCSP signer a CA directory keeps: {@code ocsp-signer.pem} (its chain) and {@code ocsp-signer.key}
 * (its key, encrypted with the CA password), so that a responder started again signs with the same certificate. A
 * signer the index lists as revoked is never handed out: a new one takes its place.
 */
final class OcspSignerFiles {
  private final CaFiles files;
  private final CaIndex index;
  private final CaIssuance issuance;
  private final X509Certificate intermediate;
  private final char[] password;
  private final KeyEncryption cost;
  private final Clock clock;

  /** Keys it writes are encrypted with {@code password} (shared with the CA directory) at {@code cost}. */
  OcspSignerFiles(CaFiles files, CaIndex index, CaIssuance issuance, X509Certificate intermediate, char[] password,
      KeyEncryption cost, Clock clock) {
    this.files = files;
    this.index = index;
    this.issuance = issuance;
    this.intermediate = intermediate;
    this.password = password;
    this.cost = cost;
    this.clock = clock;
  }

  /** The signer on file while it is valid for more than {@code renewBefore} and not revoked, else a new one. */
  CaDirectory.OcspSigner current(Duration validity, Duration renewBefore) {
    Optional<CaDirectory.OcspSigner> onFile = load(renewBefore);
    if (onFile.isPresent()) {
      return onFile.get();
    }
    // Again under the lock: another process may have made one meanwhile.
    return issuance.locked(() -> load(renewBefore).orElseGet(() -> issue(validity)));
  }

  /**
   * When {@code serial} is the signer on file, a new one in its place, valid as long as it was; the caller holds the
   * CA's lock and has just revoked {@code serial}.
   */
  void replaceRevoked(BigInteger serial) {
    Optional<X509Certificate> revoked = certificate().filter(c -> c.getSerialNumber().equals(serial));
    if (revoked.isPresent()) {
      issue(Duration.between(revoked.get().getNotBefore().toInstant(), revoked.get().getNotAfter().toInstant()));
    }
  }

  /** The signer's certificate on file, if there is a readable one; needs no password. */
  Optional<X509Certificate> certificate() {
    if (!files.exists(CaFiles.OCSP_SIGNER_CERTIFICATE)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Pem.loadCertificates(files.file(CaFiles.OCSP_SIGNER_CERTIFICATE)).get(0));
    } catch (KeyMaterialException | UncheckedIOException e) {
      return Optional.empty();
    }
  }

  /** The signer on file, when the issuing CA's key signed it, it is valid beyond {@code renewBefore} and not revoked. */
  private Optional<CaDirectory.OcspSigner> load(Duration renewBefore) {
    if (!files.exists(CaFiles.OCSP_SIGNER_CERTIFICATE) || !files.exists(CaFiles.OCSP_SIGNER_KEY)) {
      return Optional.empty();
    }
    List<X509Certificate> chain = Pem.loadCertificates(files.file(CaFiles.OCSP_SIGNER_CERTIFICATE));
    X509Certificate signer = chain.get(0);
    if (!signer.getNotAfter().toInstant().isAfter(clock.instant().plus(renewBefore))
        || !signedBy(signer, intermediate) || index.revoked(signer.getSerialNumber())) {
      return Optional.empty();
    }
    CaDirectory.requirePassword(password);
    return Optional.of(new CaDirectory.OcspSigner(chain,
        Pem.loadPrivateKey(files.file(CaFiles.OCSP_SIGNER_KEY), password)));
  }

  /** Issues a signer, puts it on file and records it; the caller holds the CA's lock. */
  private CaDirectory.OcspSigner issue(Duration validity) {
    // Its issuer field says whose responder it is.
    IssuedCertificate issued = issuance.active().issueOcspSigner(new X500Principal("CN=OCSP Responder"), validity);
    CaDirectory.OcspSigner signer = new CaDirectory.OcspSigner(issued.chain(), issued.keyPair().getPrivate());
    store(signer, () -> index.record(issued.certificate()));
    return signer;
  }

  /**
   * Keeps {@code signer}, replacing the one on file, then has it {@code recorded}; when a step fails, both files are
   * removed, so that no certificate is left beside another's key and the next use makes a new signer.
   */
  private void store(CaDirectory.OcspSigner signer, Runnable recorded) {
    try {
      files.write(CaFiles.OCSP_SIGNER_KEY, Pem.encodeEncrypted(signer.privateKey(), password, cost),
          Visibility.PRIVATE, Existing.REPLACE);
      files.write(CaFiles.OCSP_SIGNER_CERTIFICATE, Pem.encode(signer.chain()), Visibility.PUBLIC, Existing.REPLACE);
      recorded.run();
    } catch (RuntimeException e) {
      throw Rollback.remove(List.of(files.file(CaFiles.OCSP_SIGNER_CERTIFICATE), files.file(CaFiles.OCSP_SIGNER_KEY)),
          e);
    }
  }

  /** By the key, not the name: a CA re-created under the same names has another key. */
  static boolean signedBy(X509Certificate certificate, X509Certificate issuer) {
    try {
      certificate.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
