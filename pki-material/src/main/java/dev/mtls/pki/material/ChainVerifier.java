package dev.mtls.pki.material;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertStore;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.PKIXRevocationChecker;
import java.util.EnumSet;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies a certificate chain with the JDK's PKIX validator (the one JSSE uses) and says why it fails,
 * in words: expired, not yet valid, revoked, not issued by a trusted CA, wrong usage.
 */
public final class ChainVerifier {
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  /** What the leaf must be good for; NONE checks the path only. */
  public enum Purpose { CLIENT, SERVER, NONE }

  /** The outcome. {@code failedCertificate} is 0 for the leaf, 1 for its issuer, …, or -1. */
  public record Result(boolean valid, String reason, int failedCertificate) {
    static Result ok() {
      return new Result(true, "OK", -1);
    }
  }

  private ChainVerifier() {}

  /**
   * @param chain leaf first, then any intermediates (a trailing root is ignored in favour of the anchors)
   * @param crls when not empty, the leaf's revocation is checked against them; a missing or stale CRL for
   *     the leaf's issuer is then an error
   */
  public static Result verify(List<X509Certificate> chain, TrustAnchors anchors, List<X509CRL> crls,
      Instant at, Purpose purpose) {
    Set<TrustAnchor> trust = new HashSet<>();
    for (X509Certificate anchor : anchors.certificates()) {
      trust.add(new TrustAnchor(anchor, null));
    }
    List<X509Certificate> path = new ArrayList<>(chain);
    while (path.size() > 1 && isSelfSigned(path.get(path.size() - 1))) {
      path.remove(path.size() - 1);
    }
    try {
      CertPath certPath = Pem.x509().generateCertPath(path);
      PKIXParameters parameters = new PKIXParameters(trust);
      parameters.setDate(Date.from(at));
      CertPathValidator validator = CertPathValidator.getInstance("PKIX");
      parameters.setRevocationEnabled(!crls.isEmpty());
      if (!crls.isEmpty()) {
        parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
        // Like openssl -crl_check: the leaf against its issuer's CRL. Root CRLs for intermediates are
        // rarely at hand, and without ONLY_END_ENTITY their absence would fail every check.
        PKIXRevocationChecker checker = (PKIXRevocationChecker) validator.getRevocationChecker();
        checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.ONLY_END_ENTITY,
            PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK));
        parameters.addCertPathChecker(checker);
      }
      validator.validate(certPath, parameters);
    } catch (CertPathValidatorException e) {
      return new Result(false, explain(e, path), e.getIndex());
    } catch (GeneralSecurityException e) {
      return new Result(false, "cannot validate: " + e.getMessage(), -1);
    }
    return checkPurpose(chain.get(0), purpose);
  }

  /** The plain-words reason for a PKIX failure. */
  public static String explain(CertPathValidatorException e, List<X509Certificate> path) {
    int index = e.getIndex();
    String who = index >= 0 && index < path.size()
        ? (index == 0 ? "the certificate " : "issuer certificate #" + index + " ")
            + DistinguishedName.of(path.get(index).getSubjectX500Principal()).toDisplayString()
        : "the chain";
    CertPathValidatorException.Reason reason = e.getReason();
    if (reason == BasicReason.EXPIRED) {
      return who + " has expired (notAfter " + path.get(Math.max(index, 0)).getNotAfter().toInstant() + ")";
    }
    if (reason == BasicReason.NOT_YET_VALID) {
      return who + " is not yet valid (notBefore " + path.get(Math.max(index, 0)).getNotBefore().toInstant() + ")";
    }
    if (reason == BasicReason.REVOKED) {
      if (e.getCause() instanceof java.security.cert.CertificateRevokedException revoked) {
        return who + " is revoked (reason " + revoked.getRevocationReason() + ", since "
            + revoked.getRevocationDate().toInstant() + ")";
      }
      return who + " is revoked";
    }
    if (reason == BasicReason.UNDETERMINED_REVOCATION_STATUS) {
      return "revocation status of " + who + " is unknown: no valid CRL from its issuer (" + e.getMessage() + ")";
    }
    if (reason == BasicReason.INVALID_SIGNATURE) {
      return who + " has a signature that does not verify";
    }
    if (reason == BasicReason.ALGORITHM_CONSTRAINED) {
      return who + " uses a disallowed algorithm (" + e.getMessage() + ")";
    }
    if (reason == PKIXReason.NO_TRUST_ANCHOR) {
      X509Certificate top = path.get(path.size() - 1);
      return "not issued by a trusted CA: the chain ends at "
          + DistinguishedName.of(top.getIssuerX500Principal()).toDisplayString()
          + ", which is not among the trust anchors";
    }
    if (reason == PKIXReason.NOT_CA_CERT) {
      return who + " is not a CA but signed another certificate";
    }
    if (reason == PKIXReason.PATH_TOO_LONG) {
      return "the chain is longer than a CA's pathLen allows (at " + who + ")";
    }
    if (reason == PKIXReason.INVALID_KEY_USAGE) {
      return who + " has a key usage that does not allow this";
    }
    return who + " is invalid: " + e.getMessage();
  }

  private static Result checkPurpose(X509Certificate leaf, Purpose purpose) {
    if (purpose == Purpose.NONE) {
      return Result.ok();
    }
    String wanted = purpose == Purpose.CLIENT ? CLIENT_AUTH : SERVER_AUTH;
    try {
      List<String> usages = leaf.getExtendedKeyUsage();
      if (usages != null && !usages.contains(wanted) && !usages.contains("2.5.29.37.0")) {
        return new Result(false, "the certificate is not for TLS " + (purpose == Purpose.CLIENT ? "client" : "server")
            + " authentication (its extended key usage lacks " + (purpose == Purpose.CLIENT ? "clientAuth" : "serverAuth")
            + ")", 0);
      }
    } catch (CertificateParsingException e) {
      return new Result(false, "unreadable extended key usage: " + e.getMessage(), 0);
    }
    return Result.ok();
  }

  private static boolean isSelfSigned(X509Certificate certificate) {
    if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
      return false;
    }
    try {
      certificate.verify(certificate.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
