package dev.mtls.pki.material.internal.trust;

import dev.mtls.pki.material.trust.Reason;
import java.security.cert.CertPathValidatorException;

/**
 * Carries one of our reasons through the JDK's path validator: it keeps a checker's reason (and the index of the
 * certificate) when it re-throws, so the verdict names what our checker found, not a generic failure.
 */
record ProjectReason(Reason reason) implements CertPathValidatorException.Reason {
  private static final long serialVersionUID = 1L;

  static CertPathValidatorException failure(Reason reason, String predicate) {
    return new CertPathValidatorException(predicate, null, null, -1, new ProjectReason(reason));
  }
}
