package dev.mtls.server;

import dev.mtls.pki.material.DistinguishedName;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * This project's checks on top of JSSE's PKIX validation, which accepts SHA-1 signatures and small RSA keys from
 * a private CA and checks no revocation unless told to:
 *
 * <ul>
 *   <li>no SHA-1 (or MD5) signature on any certificate the client sends (a self-signed root's own signature is
 *       not checked: nothing relies on it);
 *   <li>no RSA key below {@value #MIN_RSA_BITS} bits anywhere in the chain;
 *   <li>revocation against the configured CRLs: each certificate whose issuer has a CRL (matched by issuer name and
 *       verified with the issuer's key) must not be on it. A CRL past its nextUpdate makes the status of that
 *       issuer's certificates unknown, and they are refused, unless stale CRLs are allowed. Issuers without a
 *       configured CRL are not checked.
 * </ul>
 */
public final class ClientCertificatePolicy {
  public static final int MIN_RSA_BITS = 2048;

  private final List<X509CRL> crls;
  private final boolean allowStaleCrl;
  private final Clock clock;

  private ClientCertificatePolicy(List<X509CRL> crls, boolean allowStaleCrl, Clock clock) {
    this.crls = crls;
    this.allowStaleCrl = allowStaleCrl;
    this.clock = clock;
  }

  public static ClientCertificatePolicy of(List<X509CRL> crls, boolean allowStaleCrl, Clock clock) {
    Objects.requireNonNull(clock, "clock == null");
    return new ClientCertificatePolicy(List.copyOf(crls), allowStaleCrl, clock);
  }

  /** No CRLs: algorithm and key-size checks only. */
  public static ClientCertificatePolicy withoutCrls() {
    return of(List.of(), false, Clock.systemUTC());
  }

  public List<X509CRL> crls() {
    return crls;
  }

  public boolean allowStaleCrl() {
    return allowStaleCrl;
  }

  /** True when {@code crl} is past its nextUpdate now. */
  public boolean isStale(X509CRL crl) {
    return crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().isBefore(clock.instant());
  }

  /**
   * Checks a chain that PKIX has accepted (leaf first); {@code anchors} are consulted for the key of an issuer the
   * client did not send.
   */
  void check(X509Certificate[] chain, Collection<X509Certificate> anchors) throws CertificateRejectedException {
    X509Certificate leaf = chain[0];
    for (int i = 0; i < chain.length; i++) {
      X509Certificate certificate = chain[i];
      String algorithm = certificate.getSigAlgName().toUpperCase(Locale.ROOT);
      boolean selfSigned = certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal());
      if (!selfSigned && (algorithm.contains("SHA1") || algorithm.contains("SHA-1") || algorithm.contains("MD5"))) {
        throw new CertificateRejectedException(RejectionReason.WEAK_ALGORITHM, leaf,
            describe(i, certificate) + " is signed with " + certificate.getSigAlgName(), null);
      }
      PublicKey key = certificate.getPublicKey();
      if (key instanceof RSAKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
        throw new CertificateRejectedException(RejectionReason.WEAK_ALGORITHM, leaf,
            describe(i, certificate) + " has a " + rsa.getModulus().bitLength() + "-bit RSA key (minimum "
                + MIN_RSA_BITS + ")", null);
      }
    }
    for (int i = 0; i < chain.length; i++) {
      X509Certificate certificate = chain[i];
      if (certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
        continue;
      }
      checkRevocation(i, certificate, issuerOf(certificate, chain, anchors), leaf);
    }
  }

  private void checkRevocation(int index, X509Certificate certificate, X509Certificate issuer, X509Certificate leaf)
      throws CertificateRejectedException {
    List<X509CRL> candidates = new ArrayList<>();
    for (X509CRL crl : crls) {
      if (crl.getIssuerX500Principal().equals(certificate.getIssuerX500Principal())) {
        candidates.add(crl);
      }
    }
    if (candidates.isEmpty()) {
      return;
    }
    String issuerName = DistinguishedName.of(certificate.getIssuerX500Principal()).toString();
    X509CRL verified = null;
    for (X509CRL crl : candidates) {
      if (issuer != null && verifies(crl, issuer.getPublicKey())) {
        verified = crl;
        break;
      }
    }
    if (verified == null) {
      throw new CertificateRejectedException(RejectionReason.REVOCATION_UNKNOWN, leaf,
          "the CRL for issuer " + issuerName + " is not signed by that issuer's key", null);
    }
    if (isStale(verified) && !allowStaleCrl) {
      throw new CertificateRejectedException(RejectionReason.REVOCATION_UNKNOWN, leaf,
          "the CRL for issuer " + issuerName + " is past its nextUpdate ("
              + verified.getNextUpdate().toInstant() + "); publish a fresh CRL or allow stale CRLs", null);
    }
    X509CRLEntry entry = verified.getRevokedCertificate(certificate);
    if (entry != null) {
      Instant when = entry.getRevocationDate().toInstant();
      String reason = entry.getRevocationReason() == null ? "" : ", reason " + entry.getRevocationReason();
      throw new CertificateRejectedException(RejectionReason.REVOKED, leaf,
          describe(index, certificate) + " (serial " + certificate.getSerialNumber().toString(16)
              + ") was revoked on " + when + reason, null);
    }
  }

  private static X509Certificate issuerOf(X509Certificate certificate, X509Certificate[] chain,
      Collection<X509Certificate> anchors) {
    List<X509Certificate> candidates = new ArrayList<>(List.of(chain));
    candidates.addAll(anchors);
    for (X509Certificate candidate : candidates) {
      if (candidate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
        try {
          certificate.verify(candidate.getPublicKey());
          return candidate;
        } catch (GeneralSecurityException e) {
          // A different key under the same name: keep looking.
        }
      }
    }
    return null;
  }

  private static boolean verifies(X509CRL crl, PublicKey key) {
    try {
      crl.verify(key);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String describe(int index, X509Certificate certificate) {
    String which = index == 0 ? "the client certificate" : "chain certificate " + (index + 1);
    return which + " " + DistinguishedName.of(certificate.getSubjectX500Principal());
  }
}
