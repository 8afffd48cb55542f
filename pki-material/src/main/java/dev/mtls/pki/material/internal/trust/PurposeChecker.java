package dev.mtls.pki.material.internal.trust;

import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Reason;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks, inside PKIX, that the leaf may be used for the {@link Purpose}: an end-entity certificate whose extended
 * key usage (when present) allows the TLS role and whose key usage (when present) allows signing, which is how a
 * TLS peer proves it holds its key. JSSE's own trust manager checks the same; ours must, since it replaces it.
 */
public final class PurposeChecker extends PathChecker {
  private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
  private static final List<String> USAGE_NAMES = List.of("digitalSignature", "nonRepudiation", "keyEncipherment",
      "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly");

  private final Purpose purpose;
  private final int pathLength;

  PurposeChecker(Purpose purpose, int pathLength) {
    this.purpose = purpose;
    this.pathLength = pathLength;
  }

  @Override
  void check(X509Certificate certificate, int position) throws CertPathValidatorException {
    // The validator walks from the anchor down: the last certificate it hands us is the leaf.
    if (position == pathLength && purpose != Purpose.ANY) {
      problem(certificate, purpose);
    }
  }

  /**
   * Why the leaf of {@code chain} may not serve {@code purpose}, in the words PKIX validation would use; empty when
   * it may. For a chain checked without validation (one's own).
   */
  public static Optional<Refusal> refusal(List<X509Certificate> chain, Purpose purpose) {
    if (purpose == Purpose.ANY) {
      return Optional.empty();
    }
    try {
      problem(chain.get(0), purpose);
      return Optional.empty();
    } catch (CertPathValidatorException e) {
      Reason reason = e.getReason() instanceof ProjectReason project ? project.reason() : Reason.WRONG_PURPOSE;
      return Optional.of(new Refusal(reason, Sentences.which(0, chain, purpose) + " " + e.getMessage(), 0));
    }
  }

  /** Throws with the reason when {@code leaf} may not serve {@code purpose}. */
  private static void problem(X509Certificate leaf, Purpose purpose) throws CertPathValidatorException {
    if (leaf.getBasicConstraints() >= 0) {
      throw ProjectReason.failure(Reason.WRONG_PURPOSE,
          "is a CA certificate, not an end-entity certificate for a TLS " + roleName(purpose));
    }
    List<String> extended;
    try {
      extended = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw ProjectReason.failure(Reason.INVALID_CERTIFICATE, "has an unreadable extended key usage");
    }
    if (extended != null && !extended.contains(purpose.extendedKeyUsage())
        && !extended.contains(ANY_EXTENDED_KEY_USAGE)) {
      throw ProjectReason.failure(Reason.WRONG_PURPOSE, "is not allowed for TLS " + roleName(purpose)
          + " authentication: its extended key usage " + extended.stream().map(PurposeChecker::usageName).toList()
          + " lacks " + purpose.usageName());
    }
    boolean[] usage = leaf.getKeyUsage();
    if (usage != null && !usage[0]) {
      throw ProjectReason.failure(Reason.KEY_USAGE, "has a key usage " + usageNames(usage)
          + " without digitalSignature, which a TLS " + roleName(purpose) + " needs to prove it holds its key");
    }
  }

  private static String roleName(Purpose purpose) {
    return purpose == Purpose.CLIENT ? "client" : "server";
  }

  private static String usageName(String oid) {
    return switch (oid) {
      case "1.3.6.1.5.5.7.3.1" -> "serverAuth";
      case "1.3.6.1.5.5.7.3.2" -> "clientAuth";
      case "1.3.6.1.5.5.7.3.3" -> "codeSigning";
      case "1.3.6.1.5.5.7.3.4" -> "emailProtection";
      case "1.3.6.1.5.5.7.3.8" -> "timeStamping";
      case "1.3.6.1.5.5.7.3.9" -> "OCSPSigning";
      default -> oid;
    };
  }

  private static List<String> usageNames(boolean[] usage) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < usage.length && i < USAGE_NAMES.size(); i++) {
      if (usage[i]) {
        names.add(USAGE_NAMES.get(i));
      }
    }
    return names;
  }
}
