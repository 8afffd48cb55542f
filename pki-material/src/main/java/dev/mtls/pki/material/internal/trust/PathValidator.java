package dev.mtls.pki.material.internal.trust;

import dev.mtls.pki.material.trust.AlgorithmPolicy;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Reason;
import java.security.GeneralSecurityException;
import java.security.cert.CRLReason;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * Validates a proposed path with the JDK's PKIX validator, the {@link AlgorithmPolicy} and the purpose checked
 * inside it on every certificate, and the trust anchor's own validity and constraints on top ({@link
 * AnchorConstraints}), and then applies to each certificate, from the anchor down, the CRL a
 * {@link CrlSelector} chooses for it.
 *
 * <p>The CRLs are applied here rather than by the JDK's revocation checker: that checker fetches CRLs from the
 * distribution points a certificate names by itself, with its own timeouts, whenever no CRL covers it. Network
 * access belongs to the {@code RevocationSource}, which bounds it.
 */
public final class PathValidator {
  private final PkixAnchors anchors;
  private final AlgorithmPolicy algorithms;
  private final PkixRefusals refusals;

  public PathValidator(PkixAnchors anchors, AlgorithmPolicy algorithms) {
    this.anchors = anchors;
    this.algorithms = algorithms;
    this.refusals = new PkixRefusals(anchors, algorithms);
  }

  /**
   * Validates {@code path} (leaf first) for {@code purpose} at {@code at} and, when {@code checkRevocation}, applies
   * the CRLs of {@code crls}; the statuses no CRL decided are left open.
   */
  public Validation validate(List<X509Certificate> path, CrlSelector crls, boolean checkRevocation, Purpose purpose,
      Instant at) {
    List<CrlSelector.Selection> selections = checkRevocation ? crls.forPath(path, anchors, at) : List.of();
    X509Certificate anchor;
    try {
      anchor = pkix(path, purpose, at);
    } catch (CertPathValidatorException e) {
      return Validation.refused(refusals.of(e, path, purpose));
    } catch (GeneralSecurityException e) {
      return Validation.refused(PkixRefusals.unvalidatable(e, path, purpose));
    }
    // A CA's renewed certificate next to its old one: PKIX ends at either, the one still valid must vouch.
    List<X509Certificate> candidates = anchors.interchangeable(anchor);
    Optional<Refusal> byAnchor = AnchorConstraints.check(anchor, path, purpose, at);
    for (int i = 1; i < candidates.size() && byAnchor.isPresent(); i++) {
      if (AnchorConstraints.check(candidates.get(i), path, purpose, at).isEmpty()) {
        anchor = candidates.get(i);
        byAnchor = Optional.empty();
      }
    }
    if (byAnchor.isPresent()) {
      return Validation.refused(byAnchor.get());
    }
    List<Integer> open = new ArrayList<>();
    for (int index = path.size() - 1; index >= 0 && checkRevocation; index--) {
      CrlSelector.Selection selection = selections.get(index);
      if (selection.status() != CrlSelector.Selection.Status.CURRENT) {
        open.add(index);
        continue;
      }
      X509Certificate issuer = index + 1 < path.size() ? path.get(index + 1) : anchor;
      Optional<Refusal> revoked = applyCrl(selection.crl(), index, path, issuer, purpose);
      if (revoked.isPresent()) {
        return Validation.refused(revoked.get());
      }
    }
    return new Validation(null, anchor, crls.crls(), selections, open);
  }

  /** The anchor that ends the validated path; throws why PKIX refuses it. */
  private X509Certificate pkix(List<X509Certificate> path, Purpose purpose, Instant at)
      throws GeneralSecurityException {
    CertPathValidator validator = CertPathValidator.getInstance("PKIX");
    PKIXParameters parameters = new PKIXParameters(anchors.asPkix());
    parameters.setDate(Date.from(at));
    parameters.setRevocationEnabled(false);
    parameters.setCertPathCheckers(List.of(new AlgorithmChecker(algorithms), new PurposeChecker(purpose,
        path.size())));
    CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
    PKIXCertPathValidatorResult result = (PKIXCertPathValidatorResult) validator.validate(certPath, parameters);
    return result.getTrustAnchor().getTrustedCert();
  }

  /** A refusal when {@code crl} (signed by the issuer's key, in scope, current) lists the certificate at index. */
  private Optional<Refusal> applyCrl(X509CRL crl, int index, List<X509Certificate> path, X509Certificate issuer,
      Purpose purpose) {
    X509Certificate certificate = path.get(index);
    Optional<String> weak = algorithms.problemWithCrl(crl);
    if (weak.isPresent()) {
      return Optional.of(new Refusal(Reason.WEAK_ALGORITHM, Sentences.crl(crl) + " " + weak.get() + ", so it cannot"
          + " say whether " + Sentences.which(index, path, purpose) + " is revoked", index));
    }
    X509CRLEntry entry = crl.getRevokedCertificate(certificate);
    // removeFromCRL only means something in a delta CRL, which this verifier refuses to load.
    if (entry == null || entry.getRevocationReason() == CRLReason.REMOVE_FROM_CRL) {
      return Optional.empty();
    }
    return Optional.of(new Refusal(Reason.REVOKED, Sentences.which(index, path, purpose) + " (serial "
        + certificate.getSerialNumber().toString(16) + ") was revoked on "
        + Sentences.time(entry.getRevocationDate().toInstant()) + " (reason "
        + Sentences.reason(entry.getRevocationReason()) + ") by " + Sentences.name(issuer), index));
  }
}
