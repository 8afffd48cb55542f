package dev.mtls.pki.material.trust;

import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXCertPathChecker;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Checks, inside PKIX, that the leaf may be used for the {@link Purpose}: an end-entity certificate whose extended
 * key usage (when present) allows the TLS role and whose key usage (when present) allows signing, which is how a
 * TLS peer proves it holds its key. JSSE's own trust manager checks the same; ours must, since it replaces it.
 */
final class PurposeChecker extends PKIXCertPathChecker {
  private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
  private static final List<String> USAGE_NAMES = List.of("digitalSignature", "nonRepudiation", "keyEncipherment",
      "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly");

  private final Purpose purpose;
  private final int pathLength;
  private int seen;

  PurposeChecker(Purpose purpose, int pathLength) {
    this.purpose = purpose;
    this.pathLength = pathLength;
  }

  @Override
  public void init(boolean forward) throws CertPathValidatorException {
    if (forward) {
      throw new CertPathValidatorException("forward checking is not supported");
    }
    seen = 0;
  }

  @Override
  public boolean isForwardCheckingSupported() {
    return false;
  }

  @Override
  public Set<String> getSupportedExtensions() {
    return null;
  }

  @Override
  public void check(Certificate certificate, Collection<String> unresolvedCriticalExtensions)
      throws CertPathValidatorException {
    // The validator walks from the anchor down: the last certificate it hands us is the leaf.
    if (++seen == pathLength && purpose != Purpose.ANY) {
      problem((X509Certificate) certificate, purpose);
    }
  }

  /** Throws with the reason when {@code leaf} may not serve {@code purpose}. */
  static void problem(X509Certificate leaf, Purpose purpose) throws CertPathValidatorException {
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
    java.util.ArrayList<String> names = new java.util.ArrayList<>();
    for (int i = 0; i < usage.length && i < USAGE_NAMES.size(); i++) {
      if (usage[i]) {
        names.add(USAGE_NAMES.get(i));
      }
    }
    return names;
  }
}
