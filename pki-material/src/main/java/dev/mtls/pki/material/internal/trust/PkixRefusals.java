package dev.mtls.pki.material.internal.trust;

import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.trust.AlgorithmPolicy;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Reason;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateRevokedException;
import java.security.cert.PKIXReason;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Why PKIX refused a path, as a {@link Refusal}: the JDK's reason mapped to ours, and a sentence naming the
 * certificate concerned and what is wrong with it, never the JDK's message alone when we can say more.
 */
public final class PkixRefusals {
  private static final Set<String> KNOWN_EXTENSIONS = Set.of("2.5.29.14", "2.5.29.15", "2.5.29.17", "2.5.29.19",
      "2.5.29.30", "2.5.29.31", "2.5.29.32", "2.5.29.33", "2.5.29.35", "2.5.29.36", "2.5.29.37", "2.5.29.54");

  private final PkixAnchors anchors;
  private final AlgorithmPolicy algorithms;

  PkixRefusals(PkixAnchors anchors, AlgorithmPolicy algorithms) {
    this.anchors = anchors;
    this.algorithms = algorithms;
  }

  /** What the validator's refusal of {@code path} means. */
  Refusal of(CertPathValidatorException e, List<X509Certificate> path, Purpose purpose) {
    int index = e.getIndex();
    X509Certificate certificate = index >= 0 && index < path.size() ? path.get(index) : null;
    String subject = Sentences.which(index, path, purpose);
    CertPathValidatorException.Reason why = e.getReason();
    String jdk = SafeText.escape(String.valueOf(e.getMessage()));
    if (why instanceof ProjectReason project) {
      return new Refusal(project.reason(), subject + " " + e.getMessage(), index);
    }
    if (why == BasicReason.EXPIRED && certificate != null) {
      return expired(index, path, purpose);
    }
    if (why == BasicReason.NOT_YET_VALID && certificate != null) {
      return notYetValid(index, path, purpose);
    }
    if (why == BasicReason.REVOKED) {
      String detail = "";
      if (e.getCause() instanceof CertificateRevokedException revoked) {
        detail = " on " + Sentences.time(revoked.getRevocationDate().toInstant()) + " (reason "
            + Sentences.reason(revoked.getRevocationReason()) + ") by " + Sentences.name(revoked.getAuthorityName());
      }
      String serial = certificate == null ? "" : " (serial " + certificate.getSerialNumber().toString(16) + ")";
      return new Refusal(Reason.REVOKED, subject + serial + " was revoked" + detail, index);
    }
    if (why == BasicReason.ALGORITHM_CONSTRAINED) {
      Optional<String> ours = certificate == null ? Optional.empty() : algorithms.problemWith(certificate);
      return weak(index, path, purpose, ours.orElse("is refused by the JDK's algorithm constraints: " + jdk));
    }
    if (why == PKIXReason.NO_TRUST_ANCHOR || (why == BasicReason.INVALID_SIGNATURE && index == path.size() - 1)) {
      return new Refusal(Reason.UNTRUSTED_ISSUER, untrusted(path, purpose), path.size() - 1);
    }
    if (why == BasicReason.INVALID_SIGNATURE) {
      return new Refusal(Reason.BAD_SIGNATURE, subject + " has a signature that does not verify with the key of "
          + Sentences.name(path.get(index + 1)) + ", the next certificate offered", index);
    }
    if (why == PKIXReason.NAME_CHAINING) {
      return new Refusal(Reason.UNTRUSTED_ISSUER, "the certificates offered do not chain: " + subject
          + " was not issued by the next one", index);
    }
    if (why == PKIXReason.NOT_CA_CERT) {
      return new Refusal(Reason.NOT_A_CA, subject + " signed another certificate but is not a CA (its basic"
          + " constraints do not say CA:TRUE)", index);
    }
    if (why == PKIXReason.INVALID_KEY_USAGE && certificate != null && certificate.getBasicConstraints() >= 0) {
      return new Refusal(Reason.KEY_USAGE, subject + " signed another certificate but its key usage lacks"
          + " keyCertSign", index);
    }
    if (why == PKIXReason.INVALID_KEY_USAGE) {
      return new Refusal(Reason.KEY_USAGE, subject + " has a key usage that does not allow this: " + jdk, index);
    }
    if (why == PKIXReason.PATH_TOO_LONG) {
      return new Refusal(Reason.PATH_TOO_LONG, pathTooLong(index, path, purpose), index);
    }
    if (why == PKIXReason.INVALID_NAME) {
      X509Certificate issuer = index + 1 < path.size() ? path.get(index + 1) : null;
      return new Refusal(Reason.NAME_CONSTRAINTS, subject + " has a name outside the name constraints of "
          + (issuer == null ? "the trust anchor" : "its issuer " + Sentences.name(issuer)), index);
    }
    if (why == PKIXReason.UNRECOGNIZED_CRIT_EXT) {
      Set<String> unknown = new HashSet<>();
      if (certificate != null && certificate.getCriticalExtensionOIDs() != null) {
        unknown.addAll(certificate.getCriticalExtensionOIDs());
        unknown.removeAll(KNOWN_EXTENSIONS);
      }
      return new Refusal(Reason.UNKNOWN_CRITICAL_EXTENSION, subject + " has the critical extension "
          + (unknown.isEmpty() ? "(unnamed)" : String.join(", ", new TreeSet<>(unknown)))
          + ", which this verifier does not understand; a certificate with an unknown critical extension must be"
          + " refused", index);
    }
    if (why == PKIXReason.INVALID_POLICY) {
      return new Refusal(Reason.POLICY, subject + " does not satisfy the certificate policy: " + jdk, index);
    }
    return new Refusal(Reason.INVALID_CERTIFICATE, subject + " is invalid: " + jdk, index);
  }

  /** The validator failed for another reason than the path (a provider problem, unusable parameters). */
  static Refusal unvalidatable(GeneralSecurityException e, List<X509Certificate> path, Purpose purpose) {
    return new Refusal(Reason.INVALID_CERTIFICATE, Sentences.which(0, path, purpose) + " cannot be validated: "
        + SafeText.escape(e.getMessage()), 0);
  }

  public static Refusal expired(int index, List<X509Certificate> path, Purpose purpose) {
    return new Refusal(Reason.EXPIRED, Sentences.which(index, path, purpose) + " expired on "
        + Sentences.time(path.get(index).getNotAfter().toInstant()), index);
  }

  public static Refusal notYetValid(int index, List<X509Certificate> path, Purpose purpose) {
    return new Refusal(Reason.NOT_YET_VALID, Sentences.which(index, path, purpose) + " is not valid before "
        + Sentences.time(path.get(index).getNotBefore().toInstant()), index);
  }

  /** {@code problem} completes "the certificate …", as {@link AlgorithmPolicy#problemWith} says it. */
  public static Refusal weak(int index, List<X509Certificate> path, Purpose purpose, String problem) {
    return new Refusal(Reason.WEAK_ALGORITHM, Sentences.which(index, path, purpose) + " " + problem, index);
  }

  private String untrusted(List<X509Certificate> path, Purpose purpose) {
    int top = path.size() - 1;
    X509Certificate last = path.get(top);
    String subject = Sentences.which(top, path, purpose);
    String issuer = Sentences.name(last.getIssuerX500Principal());
    if (anchors.anyNamed(last.getIssuerX500Principal())) {
      return subject + " names the trust anchor " + issuer + " as its issuer, but that anchor's key did not sign"
          + " it: a CA with the same name but another key is a different CA";
    }
    if (last.getSubjectX500Principal().equals(last.getIssuerX500Principal()) && top > 0) {
      return "the chain ends at " + subject + ", a CA that is not among the trust anchors";
    }
    return subject + " was issued by " + issuer + ", which is not a trust anchor here"
        + (top == 0 ? " (or the peer left out its intermediate CA certificate)" : "");
  }

  private static String pathTooLong(int index, List<X509Certificate> path, Purpose purpose) {
    String subject = Sentences.which(index, path, purpose);
    for (int j = index + 1; j < path.size(); j++) {
      int allowed = path.get(j).getBasicConstraints();
      // CA certificates between the leaf and certificate j: positions 1 .. j-1.
      if (allowed >= 0 && allowed != Integer.MAX_VALUE && j - 1 > allowed) {
        return subject + " is a CA below " + Sentences.name(path.get(j)) + ", whose pathLen " + allowed + " allows "
            + (allowed == 0 ? "no CA" : allowed == 1 ? "one CA" : allowed + " CAs") + " below it";
      }
    }
    return subject + " is more CAs below the trust anchor than a pathLen above it allows";
  }
}
