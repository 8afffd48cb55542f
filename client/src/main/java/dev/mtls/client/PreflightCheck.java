package dev.mtls.client;

import dev.mtls.pki.material.trust.OwnCertificate;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.pki.material.trust.Verdict;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Judges our own certificate chain before any connection, with the trust core, as a server that trusts the same
 * anchors and CRLs would: a server refuses an expired, revoked or non-clientAuth certificate with at best a terse
 * alert; here the reason comes with the certificate and its dates. When our own CA is not among the anchors we
 * know, only what needs no anchor is checked ({@link OwnCertificate}): that the server may trust another CA is no
 * reason to stop.
 */
public final class PreflightCheck {
  /** Reasons that do not depend on whose anchors or CRLs judge: a server refuses them too. */
  private static final Set<Reason> BLOCKING = EnumSet.of(Reason.EXPIRED, Reason.NOT_YET_VALID, Reason.REVOKED,
      Reason.WEAK_ALGORITHM, Reason.WRONG_PURPOSE, Reason.KEY_USAGE, Reason.NOT_A_CA, Reason.PATH_TOO_LONG,
      Reason.NAME_CONSTRAINTS, Reason.UNKNOWN_CRITICAL_EXTENSION, Reason.POLICY, Reason.BAD_SIGNATURE,
      Reason.INVALID_CERTIFICATE);

  /**
   * The verdict on our chain, and when it stops being valid.
   *
   * @param verdict  the trust core's verdict (or, when our anchors do not know our CA, the first problem found
   *                 without them, else the "untrusted" verdict)
   * @param expires  the earliest notAfter in our chain
   * @param warning  a non-blocking remark, e.g. the certificate expires soon
   */
  public record Report(Verdict verdict, Instant expires, Optional<String> warning) {
    /** Whether a server would refuse the certificate whatever CA it trusts: then we do not even connect. */
    public boolean blocking() {
      return BLOCKING.contains(verdict.reason());
    }

    public List<String> warnings() {
      return warning.map(List::of).orElse(List.of());
    }
  }

  private PreflightCheck() {}

  /** Judges {@code chain} at {@code now}; a chain that expires within {@code expiryWarning} gets a warning. */
  public static Report check(List<X509Certificate> chain, Trust trust, Instant now, Duration expiryWarning) {
    Verdict verdict = trust.verify(chain, Purpose.CLIENT, now);
    if (verdict.reason() == Reason.UNTRUSTED_ISSUER) {
      verdict = OwnCertificate.check(chain, Purpose.CLIENT, now).orElse(verdict);
    }
    Instant expires = OwnCertificate.expiry(chain);
    Optional<String> warning = Optional.empty();
    if (!BLOCKING.contains(verdict.reason()) && now.plus(expiryWarning).isAfter(expires)) {
      long days = Duration.between(now, expires).toDays();
      warning = Optional.of("our certificate chain expires on " + format(expires) + ", in " + days
          + (days == 1 ? " day" : " days"));
    }
    return new Report(verdict, expires, warning);
  }

  static String format(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
