package dev.mtls.pki.material.internal.trust;

import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Reason;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraintValidatorException;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.PKIXNameConstraintValidator;

/**
 * What a trust anchor's own certificate says about the path under it, which the JDK's PKIX leaves out (it takes an
 * anchor as a name and a key, and refuses anchor name constraints as "not supported"): the anchor's validity, its
 * basicConstraints pathLen and its nameConstraints, applied as RFC 5280 6.1.1 / RFC 5937 and OpenSSL do. Checked on
 * the path PKIX validated, with the anchor it ended at; the names are matched by BouncyCastle's
 * {@link PKIXNameConstraintValidator}.
 */
final class AnchorConstraints {
  private static final String NAME_CONSTRAINTS = "2.5.29.30";

  private AnchorConstraints() {}

  /** Why {@code anchor} does not vouch for {@code path} (leaf first, without the anchor) at {@code at}. */
  static Optional<Refusal> check(X509Certificate anchor, List<X509Certificate> path, Purpose purpose, Instant at) {
    Optional<Refusal> refusal = validity(anchor, at);
    if (refusal.isEmpty()) {
      refusal = pathLength(anchor, path, purpose);
    }
    return refusal.isPresent() ? refusal : names(anchor, path, purpose);
  }

  private static Optional<Refusal> validity(X509Certificate anchor, Instant at) {
    try {
      anchor.checkValidity(Date.from(at));
      return Optional.empty();
    } catch (CertificateExpiredException e) {
      return Optional.of(new Refusal(Reason.ANCHOR_EXPIRED, "the trust anchor " + Sentences.name(anchor)
          + " expired on " + Sentences.time(anchor.getNotAfter().toInstant())
          + ", so no chain ending at it is trusted", -1));
    } catch (CertificateNotYetValidException e) {
      return Optional.of(new Refusal(Reason.ANCHOR_NOT_YET_VALID, "the trust anchor " + Sentences.name(anchor)
          + " is not valid before " + Sentences.time(anchor.getNotBefore().toInstant())
          + ", so no chain ending at it is trusted yet", -1));
    }
  }

  /** The anchor's pathLen counts the CA certificates below it that are not self-issued (RFC 5280 4.2.1.9). */
  private static Optional<Refusal> pathLength(X509Certificate anchor, List<X509Certificate> path, Purpose purpose) {
    int allowed = anchor.getBasicConstraints();
    if (allowed < 0 || allowed == Integer.MAX_VALUE) {
      return Optional.empty();
    }
    int below = 0;
    for (int index = path.size() - 1; index >= 1; index--) {
      if (selfIssued(path.get(index))) {
        continue;
      }
      if (++below > allowed) {
        return Optional.of(new Refusal(Reason.PATH_TOO_LONG, Sentences.which(index, path, purpose)
            + " is a CA below the trust anchor " + Sentences.name(anchor) + ", whose pathLen " + allowed + " allows "
            + (allowed == 0 ? "no CA" : allowed == 1 ? "one CA" : allowed + " CAs") + " below it", index));
      }
    }
    return Optional.empty();
  }

  /**
   * Every certificate of the path, from the anchor down, must have its subject and its alternative names within the
   * anchor's name constraints; a self-issued CA certificate's subject is exempt (RFC 5280 6.1.3 b, c).
   */
  private static Optional<Refusal> names(X509Certificate anchor, List<X509Certificate> path, Purpose purpose) {
    byte[] extension = anchor.getExtensionValue(NAME_CONSTRAINTS);
    if (extension == null) {
      return Optional.empty();
    }
    PKIXNameConstraintValidator constraints = new PKIXNameConstraintValidator();
    try {
      NameConstraints parsed = NameConstraints.getInstance(ASN1OctetString.getInstance(extension).getOctets());
      if (parsed.getPermittedSubtrees() != null) {
        constraints.intersectPermittedSubtree(parsed.getPermittedSubtrees());
      }
      if (parsed.getExcludedSubtrees() != null) {
        for (GeneralSubtree excluded : parsed.getExcludedSubtrees()) {
          constraints.addExcludedSubtree(excluded);
        }
      }
    } catch (IllegalArgumentException e) {
      return Optional.of(new Refusal(Reason.INVALID_CERTIFICATE, "the trust anchor " + Sentences.name(anchor)
          + " has an unreadable nameConstraints extension", -1));
    }
    for (int index = path.size() - 1; index >= 0; index--) {
      X509Certificate certificate = path.get(index);
      try {
        within(constraints, certificate, index > 0 && selfIssued(certificate));
      } catch (NameConstraintValidatorException e) {
        return Optional.of(new Refusal(Reason.NAME_CONSTRAINTS, Sentences.which(index, path, purpose)
            + " has a name outside the name constraints of the trust anchor " + Sentences.name(anchor) + ": "
            + SafeText.escape(String.valueOf(e.getMessage())), index));
      } catch (IllegalArgumentException e) {
        return Optional.of(new Refusal(Reason.INVALID_CERTIFICATE, Sentences.which(index, path, purpose)
            + " has names that cannot be read to check them against the name constraints of the trust anchor "
            + Sentences.name(anchor), index));
      }
    }
    return Optional.empty();
  }

  private static void within(PKIXNameConstraintValidator constraints, X509Certificate certificate,
      boolean skipSubject) throws NameConstraintValidatorException {
    X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    if (!skipSubject && subject.getRDNs().length > 0) {
      constraints.checkPermittedDN(subject);
      constraints.checkExcludedDN(subject);
      // An e-mail address in the subject is an rfc822Name too (RFC 5280 4.2.1.10).
      for (RDN rdn : subject.getRDNs(BCStyle.EmailAddress)) {
        String email = rdn.getFirst().getValue().toString();
        constraints.checkPermittedEmail(email);
        constraints.checkExcludedEmail(email);
      }
    }
    byte[] altNames = certificate.getExtensionValue("2.5.29.17");
    if (altNames == null) {
      return;
    }
    for (GeneralName name : GeneralNames.getInstance(ASN1OctetString.getInstance(altNames).getOctets()).getNames()) {
      constraints.checkPermitted(name);
      constraints.checkExcluded(name);
    }
  }

  private static boolean selfIssued(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal());
  }
}
