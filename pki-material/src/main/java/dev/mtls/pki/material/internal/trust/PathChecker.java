package dev.mtls.pki.material.internal.trust;

import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.PKIXCertPathChecker;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Set;

/**
 * One of our checks, run by the JDK's PKIX validator on each certificate of the path it validates, from the anchor
 * down (the only direction the validator walks; path building is not given our checkers).
 */
abstract class PathChecker extends PKIXCertPathChecker {
  private int position;

  @Override
  public final void init(boolean forward) throws CertPathValidatorException {
    if (forward) {
      throw new CertPathValidatorException("forward checking is not supported");
    }
    position = 0;
  }

  @Override
  public final boolean isForwardCheckingSupported() {
    return false;
  }

  @Override
  public final Set<String> getSupportedExtensions() {
    return null;
  }

  @Override
  public final void check(Certificate certificate, Collection<String> unresolvedCriticalExtensions)
      throws CertPathValidatorException {
    check((X509Certificate) certificate, ++position);
  }

  /** Checks the certificate at {@code position} counted from the anchor (1 = the one the anchor signed). */
  abstract void check(X509Certificate certificate, int position) throws CertPathValidatorException;
}
