package dev.mtls.pki.material.trust;

import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.PKIXCertPathChecker;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/** Applies the {@link AlgorithmPolicy} to every certificate of the path PKIX validates. */
final class AlgorithmChecker extends PKIXCertPathChecker {
  private final AlgorithmPolicy policy;

  AlgorithmChecker(AlgorithmPolicy policy) {
    this.policy = policy;
  }

  @Override
  public void init(boolean forward) {}

  @Override
  public boolean isForwardCheckingSupported() {
    return true;
  }

  @Override
  public Set<String> getSupportedExtensions() {
    return null;
  }

  @Override
  public void check(Certificate certificate, Collection<String> unresolvedCriticalExtensions)
      throws CertPathValidatorException {
    Optional<String> problem = policy.problemWith((X509Certificate) certificate);
    if (problem.isPresent()) {
      throw new CertPathValidatorException(problem.get(), null, null, -1, BasicReason.ALGORITHM_CONSTRAINED);
    }
  }
}
