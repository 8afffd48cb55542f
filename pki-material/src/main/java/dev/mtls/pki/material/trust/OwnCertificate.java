package dev.mtls.pki.material.trust;

import java.security.cert.CertPathValidatorException;
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
      String subject = Sentences.which(i, chain, purpose);
      try {
        certificate.checkValidity(Date.from(at));
      } catch (CertificateExpiredException e) {
        return refusal(Reason.EXPIRED, subject + " expired on "
            + Sentences.time(certificate.getNotAfter().toInstant()), chain, i, purpose);
      } catch (CertificateNotYetValidException e) {
        return refusal(Reason.NOT_YET_VALID, subject + " is not valid before "
            + Sentences.time(certificate.getNotBefore().toInstant()), chain, i, purpose);
      }
      Optional<String> weak = AlgorithmPolicy.STRICT.problemWith(certificate);
      if (weak.isPresent()) {
        return refusal(Reason.WEAK_ALGORITHM, subject + " " + weak.get(), chain, i, purpose);
      }
    }
    if (purpose != Purpose.ANY) {
      try {
        PurposeChecker.problem(chain.get(0), purpose);
      } catch (CertPathValidatorException e) {
        Reason reason = e.getReason() instanceof ProjectReason project ? project.reason() : Reason.WRONG_PURPOSE;
        return refusal(reason, Sentences.which(0, chain, purpose) + " " + e.getMessage(), chain, 0, purpose);
      }
    }
    return Optional.empty();
  }

  /** When the first certificate of {@code chain} expires: the earliest notAfter. */
  public static Instant expiry(List<X509Certificate> chain) {
    return chain.stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo).orElseThrow();
  }

  private static Optional<Verdict> refusal(Reason reason, String sentence, List<X509Certificate> chain, int index,
      Purpose purpose) {
    return Optional.of(Verdict.refused(reason, sentence, purpose, chain, index, 0));
  }
}
