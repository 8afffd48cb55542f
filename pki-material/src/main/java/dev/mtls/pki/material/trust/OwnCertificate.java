package dev.mtls.pki.material.trust;

import dev.mtls.pki.material.internal.trust.PkixRefusals;
import dev.mtls.pki.material.internal.trust.PurposeChecker;
import dev.mtls.pki.material.internal.trust.Refusal;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * What can be said about one's own certificate chain without the verifier's trust anchors: whether each certificate
 * is valid now, passes the {@link AlgorithmPolicy}, and whether the leaf serves the purpose. A server checks its own
 * identity this way before putting it in service, and a client before it connects (when its own CA is not among
 * the anchors it trusts, {@link Trust#verify} can only say "untrusted"). The words are the same as
 * {@link Trust#verify}'s for the same problem.
 */
public final class OwnCertificate {
  private OwnCertificate() {}

  /** The first problem a verifier would refuse {@code chain} (leaf first) for at {@code at}; empty when none. */
  public static Optional<Verdict> check(List<X509Certificate> chain, Purpose purpose, Instant at) {
    if (chain.isEmpty()) {
      return Optional.of(Verdict.noCertificate(purpose));
    }
    // From the top down, as PKIX walks a path.
    for (int i = chain.size() - 1; i >= 0; i--) {
      X509Certificate certificate = chain.get(i);
      try {
        certificate.checkValidity(Date.from(at));
      } catch (CertificateExpiredException e) {
        return refusal(PkixRefusals.expired(i, chain, purpose), chain, purpose);
      } catch (CertificateNotYetValidException e) {
        return refusal(PkixRefusals.notYetValid(i, chain, purpose), chain, purpose);
      }
      Optional<String> weak = AlgorithmPolicy.STRICT.problemWith(certificate);
      if (weak.isPresent()) {
        return refusal(PkixRefusals.weak(i, chain, purpose, weak.get()), chain, purpose);
      }
    }
    return PurposeChecker.refusal(chain, purpose).flatMap(refusal -> refusal(refusal, chain, purpose));
  }

  /** When the first certificate of {@code chain} expires: the earliest notAfter. */
  public static Instant expiry(List<X509Certificate> chain) {
    return chain.stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo).orElseThrow();
  }

  private static Optional<Verdict> refusal(Refusal refusal, List<X509Certificate> chain, Purpose purpose) {
    return Optional.of(Verdict.refused(refusal, purpose, chain, 0));
  }
}
