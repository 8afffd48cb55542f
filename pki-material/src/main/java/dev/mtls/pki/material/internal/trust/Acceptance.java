package dev.mtls.pki.material.internal.trust;

import dev.mtls.pki.material.trust.CrlSet;
import dev.mtls.pki.material.trust.MissingCrlPolicy;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.RevocationSource;
import dev.mtls.pki.material.trust.StatusCheck;
import dev.mtls.pki.material.trust.UnavailablePolicy;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of the decision on a validated path: how the status of each certificate was established, or why
 * the path is refused after all (a stale or future CRL, no answer under hard-fail, no source under missing-crl:
 * refuse), and how long the acceptance holds. What is accepted without a check is said once per issuer.
 */
public final class Acceptance {
  // Said in the trust's own log, whichever class writes it: operators filter on that name.
  private static final Logger LOG = LoggerFactory.getLogger("dev.mtls.pki.material.trust.Trust");

  private final MissingCrlPolicy missingCrl;
  private final RevocationSource online;
  private final boolean checksRevocation;
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  /** {@code checksRevocation}: whether any CRL file or online source is configured at all. */
  public Acceptance(MissingCrlPolicy missingCrl, RevocationSource online, boolean checksRevocation) {
    this.missingCrl = missingCrl;
    this.online = online;
    this.checksRevocation = checksRevocation;
  }

  /** Mutable while one path is judged. */
  private static final class Tally {
    final List<String> notes = new ArrayList<>();
    final List<StatusCheck> checks = new ArrayList<>();
    Instant validFrom = Instant.MIN;
    Instant validUntil = Instant.MAX;

    /** Within the validity of every certificate of the path and of the anchor it ends at. */
    Tally(List<X509Certificate> path, X509Certificate anchor) {
      List<X509Certificate> all = new ArrayList<>(path);
      all.add(anchor);
      for (X509Certificate certificate : all) {
        validFrom = Instants.later(validFrom, certificate.getNotBefore().toInstant());
        // A certificate is valid through its notAfter second; a CRL only until its nextUpdate.
        validUntil = Instants.earlier(validUntil, certificate.getNotAfter().toInstant().plusMillis(1));
      }
    }

    void holdsUntil(Instant until) {
      validUntil = Instants.earlier(validUntil, until);
    }

    Accepted accepted() {
      checks.sort(Comparator.comparingInt(StatusCheck::index));
      return new Accepted(validFrom, validUntil, notes, checks);
    }
  }

  /** Accepts {@code path}, which {@code validation} validated and {@code answers} completed, or refuses it. */
  public Conclusion judge(List<X509Certificate> path, Validation validation, OnlineStatus answers, Purpose purpose) {
    Tally tally = new Tally(path, validation.anchor());
    boolean checking = !validation.selections().isEmpty() || !validation.open().isEmpty();
    if (!checking) {
      tally.notes.add("revocation not checked: no CRL or OCSP responder is configured");
    }
    for (int index = path.size() - 1; index >= 0 && checking; index--) {
      CrlSelector.Selection selection = index < validation.selections().size() ? validation.selections().get(index)
          : null;
      if (!validation.open().contains(index)) {
        decidedByCrl(index, selection.crl(), validation.crls(), answers, tally);
        continue;
      }
      StatusCheck answered = answers.answer(index);
      if (answered != null) {
        tally.holdsUntil(answered.until());
        tally.checks.add(answered);
        continue;
      }
      X509Certificate issuer = index + 1 < path.size() ? path.get(index + 1) : validation.anchor();
      Optional<Refusal> refusal = unanswered(index, path, issuer, selection, answers, purpose, tally);
      if (refusal.isPresent()) {
        return refusal.get();
      }
    }
    return tally.accepted();
  }

  /** PKIX applied a current CRL to this certificate: it is not revoked, until the CRL is due to be replaced. */
  private static void decidedByCrl(int index, X509CRL crl, CrlSet crls, OnlineStatus answers, Tally tally) {
    String source = crls.sourceOf(crl);
    Instant until = Instants.earlier(crl.getNextUpdate().toInstant(), answers.fetchedUntil(source));
    tally.validFrom = Instants.later(tally.validFrom, crl.getThisUpdate().toInstant().minus(CrlSelector.SKEW));
    tally.holdsUntil(until);
    tally.checks.add(new StatusCheck(index, StatusCheck.Source.CRL, source, until));
  }

  /** A certificate no CRL and no OCSP answer decided for: refused, or accepted as the policies say. */
  private Optional<Refusal> unanswered(int index, List<X509Certificate> path, X509Certificate issuer,
      CrlSelector.Selection selection, OnlineStatus answers, Purpose purpose, Tally tally) {
    String subject = Sentences.which(index, path, purpose);
    String issuerName = Sentences.name(issuer);
    if (selection != null && selection.status() == CrlSelector.Selection.Status.STALE) {
      return Optional.of(new Refusal(Reason.CRL_STALE, "the newest CRL signed by " + issuerName + " (number "
          + CrlSet.number(selection.crl()) + ") was due to be replaced at its nextUpdate "
          + Sentences.time(selection.crl().getNextUpdate().toInstant()) + ", so whether " + subject
          + " is revoked is not known", index));
    }
    if (selection != null && selection.status() == CrlSelector.Selection.Status.FUTURE) {
      return Optional.of(new Refusal(Reason.REVOCATION_UNKNOWN, "the CRLs signed by " + issuerName
          + " are not valid yet (thisUpdate " + Sentences.time(selection.crl().getThisUpdate().toInstant())
          + "; is a clock wrong?), so whether " + subject + " is revoked cannot be checked", index));
    }
    if (selection != null && selection.status() == CrlSelector.Selection.Status.CURRENT) {
      return Optional.of(new Refusal(Reason.REVOCATION_UNKNOWN, Sentences.crl(selection.crl())
          + " could not be applied to " + subject, index));
    }
    List<String> failures = answers.failures(index);
    if (failures != null) {
      return unavailable(index, subject, issuerName, failures, answers.retryAt(index), tally);
    }
    if (!checksRevocation) {
      tally.notes.add("revocation of " + subject + " not checked: no CRL or OCSP responder is configured");
      tally.checks.add(new StatusCheck(index, StatusCheck.Source.NOT_CHECKED, "", null));
      return Optional.empty();
    }
    String missing = "no CRL signed by " + issuerName + " is configured" + (online == null ? ""
        : " and no OCSP responder or CRL distribution point applies") + ", so whether " + subject
        + " is revoked cannot be checked";
    if (missingCrl == MissingCrlPolicy.REFUSE) {
      return Optional.of(new Refusal(Reason.REVOCATION_UNKNOWN, missing + " (missing-crl: refuse)", index));
    }
    tally.notes.add(missing + " (missing-crl: accept)");
    tally.checks.add(new StatusCheck(index, StatusCheck.Source.UNAVAILABLE, "", null));
    if (reported.add(issuerName)) {
      LOG.warn("accepting certificates issued by {} without a revocation check: no CRL signed by its key is"
          + " configured (missing-crl: accept)", issuerName);
    }
    return Optional.empty();
  }

  /** Sources applied but gave no answer: refused under hard-fail, accepted until they are asked again otherwise. */
  private Optional<Refusal> unavailable(int index, String subject, String issuerName, List<String> failures,
      Instant retry, Tally tally) {
    String unknown = "whether " + subject + " is revoked cannot be checked: " + String.join("; ", failures);
    if (online == null || online.whenUnavailable() == UnavailablePolicy.HARD_FAIL) {
      return Optional.of(new Refusal(Reason.REVOCATION_UNKNOWN, unknown + " (revocation-unavailable: hard-fail)",
          index));
    }
    tally.notes.add(unknown + " (revocation-unavailable: soft-fail)");
    tally.holdsUntil(retry);
    tally.checks.add(new StatusCheck(index, StatusCheck.Source.UNAVAILABLE, String.join("; ", failures), retry));
    if (reported.add("unavailable " + issuerName)) {
      LOG.warn("accepting certificates issued by {} although their revocation status cannot be checked"
          + " (revocation-unavailable: soft-fail): {}", issuerName, String.join("; ", failures));
    }
    return Optional.empty();
  }
}
