package dev.mtls.pki.material.trust;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateException;
import java.security.cert.PKIXReason;
import java.util.Objects;

/**
 * Thrown by a {@link PeerTrustManager} when it refuses a peer. JSSE turns it into an alert and keeps it as the
 * cause of the handshake's failure, so whoever catches that failure finds the {@link Verdict} in the cause chain
 * ({@link #find(Throwable)}) instead of parsing messages.
 */
public final class CertificateRejectedException extends CertificateException {
  private static final long serialVersionUID = 1L;

  private final transient Verdict verdict;

  public CertificateRejectedException(Verdict verdict) {
    // A JDK client chooses its alert from a CertPathValidatorException cause: certificate_expired, unknown_ca, …
    super(verdict.describe(), new CertPathValidatorException(verdict.sentence(), null, null, -1,
        jdkReason(verdict.reason())));
    this.verdict = Objects.requireNonNull(verdict, "verdict == null");
  }

  public Verdict verdict() {
    return verdict;
  }

  /** The verdict carried somewhere in {@code failure}'s causes, or null. */
  public static Verdict find(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CertificateRejectedException rejected) {
        return rejected.verdict();
      }
      for (Throwable suppressed : t.getSuppressed()) {
        if (suppressed instanceof CertificateRejectedException rejected) {
          return rejected.verdict();
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  private static CertPathValidatorException.Reason jdkReason(Reason reason) {
    return switch (reason) {
      case EXPIRED, ANCHOR_EXPIRED -> BasicReason.EXPIRED;
      case NOT_YET_VALID, ANCHOR_NOT_YET_VALID -> BasicReason.NOT_YET_VALID;
      case REVOKED -> BasicReason.REVOKED;
      case REVOCATION_UNKNOWN, CRL_STALE, MISSING_STAPLE -> BasicReason.UNDETERMINED_REVOCATION_STATUS;
      case WEAK_ALGORITHM -> BasicReason.ALGORITHM_CONSTRAINED;
      case UNTRUSTED_ISSUER -> PKIXReason.NO_TRUST_ANCHOR;
      case BAD_SIGNATURE -> BasicReason.INVALID_SIGNATURE;
      default -> BasicReason.UNSPECIFIED;
    };
  }
}
