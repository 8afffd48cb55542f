package dev.mtls.pki;

import dev.mtls.pki.internal.store.CaFiles;
import dev.mtls.pki.internal.store.DirectoryLock;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.AtomicFiles.Visibility;
import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.Pem;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The delegated OCSP signer a CA directory keeps: {@code ocsp-signer.pem} (its chain) and {@code ocsp-signer.key}
 * (its key, encrypted with the CA password), so that a responder started again signs with the same certificate.
 */
final class OcspSignerFiles {
  private final CaFiles files;

  OcspSignerFiles(CaFiles files) {
    this.files = files;
  }

  /** The signer on file, when {@code issuer}'s key signed it and it is still valid at {@code validAt}. */
  Optional<CaDirectory.OcspSigner> load(X509Certificate issuer, Instant validAt, char[] password) {
    if (!files.exists(CaFiles.OCSP_SIGNER_CERTIFICATE) || !files.exists(CaFiles.OCSP_SIGNER_KEY)) {
      return Optional.empty();
    }
    List<X509Certificate> chain = Pem.loadCertificates(files.file(CaFiles.OCSP_SIGNER_CERTIFICATE));
    if (!chain.get(0).getNotAfter().toInstant().isAfter(validAt) || !signedBy(chain.get(0), issuer)) {
      return Optional.empty();
    }
    CaDirectory.requirePassword(password);
    return Optional.of(new CaDirectory.OcspSigner(chain,
        Pem.loadPrivateKey(files.file(CaFiles.OCSP_SIGNER_KEY), password)));
  }

  /** Keeps {@code signer}, replacing the one on file; its key is encrypted at {@code cost}. */
  void store(CaDirectory.OcspSigner signer, char[] password, KeyEncryption cost) {
    DirectoryLock.hold(files.directory(), () -> {
      files.write(CaFiles.OCSP_SIGNER_KEY, Pem.encodeEncrypted(signer.privateKey(), password, cost),
          Visibility.PRIVATE, Existing.REPLACE);
      files.write(CaFiles.OCSP_SIGNER_CERTIFICATE, Pem.encode(signer.chain()), Visibility.PUBLIC, Existing.REPLACE);
    });
  }

  /** By the key, not the name: a CA re-created under the same names has another key. */
  private static boolean signedBy(X509Certificate certificate, X509Certificate issuer) {
    try {
      certificate.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
