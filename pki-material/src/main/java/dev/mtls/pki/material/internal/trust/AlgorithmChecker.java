package dev.mtls.pki.material.internal.trust;

import dev.mtls.pki.material.trust.AlgorithmPolicy;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.X509Certificate;
import java.util.Optional;

/** Applies the {@link AlgorithmPolicy} to every certificate of the path PKIX validates. */
final class AlgorithmChecker extends PathChecker {
  private final AlgorithmPolicy policy;

  AlgorithmChecker(AlgorithmPolicy policy) {
    this.policy = policy;
  }

  @Override
  void check(X509Certificate certificate, int position) throws CertPathValidatorException {
    Optional<String> problem = policy.problemWith(certificate);
    if (problem.isPresent()) {
      throw new CertPathValidatorException(problem.get(), null, null, -1, BasicReason.ALGORITHM_CONSTRAINED);
    }
  }
}
