package dev.mtls.pki;

import dev.mtls.pki.internal.store.CaFiles;
import dev.mtls.pki.internal.store.DirectoryLock;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.AtomicFiles.Visibility;
import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.Pem;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;

/** Writes a new CA directory: root and issuing CA, their keys encrypted, an empty index, root.pem last. */
final class CaCreation {
  private CaCreation() {}

  static CaDirectory create(Path directory, char[] password, CaDirectory.InitOptions options,
      boolean replaceExisting, Clock clock) {
    CaDirectory.requirePassword(password);
    CaFiles files = new CaFiles(directory);
    if (files.exists(CaFiles.ROOT_CERTIFICATE) && !replaceExisting) {
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
    CertificateAuthority located = CaDirectory.located(issuing, options.crlUrl(), options.ocspUrl());
    Existing existing = replaceExisting ? Existing.REPLACE : Existing.REFUSE;
    files.create();
    return DirectoryLock.hold(directory, () -> {
      KeyEncryption cost = options.keyEncryption();
      files.write(CaFiles.ROOT_KEY, Pem.encodeEncrypted(rootCa.privateKey(), password, cost), Visibility.PRIVATE,
          existing);
      files.write(CaFiles.INTERMEDIATE_KEY, Pem.encodeEncrypted(issuing.privateKey(), password, cost),
          Visibility.PRIVATE, existing);
      files.write(CaFiles.INTERMEDIATE_CERTIFICATE, Pem.encode(issuing.certificate()), Visibility.PUBLIC, existing);
      files.write(CaFiles.CA_CHAIN, Pem.encode(issuing.chain()), Visibility.PUBLIC, existing);
      CaIndex.create(files, issuing.certificate(), existing);
      files.writeNumber(CaFiles.CRL_NUMBER, BigInteger.ZERO, existing);
      files.writeNumber(CaFiles.ROOT_CRL_NUMBER, BigInteger.ZERO, existing);
      files.writeUrl(CaFiles.CRL_URL, options.crlUrl(), existing);
      files.writeUrl(CaFiles.ROOT_CRL_URL, options.rootCrlUrl(), existing);
      files.writeUrl(CaFiles.OCSP_URL, options.ocspUrl(), existing);
      // root.pem last: its presence is what marks the directory as a complete CA.
      files.write(CaFiles.ROOT_CERTIFICATE, Pem.encode(rootCa.certificate()), Visibility.PUBLIC, existing);
      return new CaDirectory(files, rootCa.certificate(), issuing.certificate(), located, clock, password.clone(),
          cost);
    });
  }
}
