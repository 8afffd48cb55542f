package dev.mtls.pki.material.internal.trust;

import dev.mtls.pki.material.trust.CrlSet;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuingDistributionPoint;

/**
 * Chooses, in a {@link CrlSet}, the CRL that decides for a certificate: among the CRLs signed by the key of the
 * certificate's issuer (as PKIX validated it), the newest, by CRL number and then thisUpdate. File order never
 * matters, and a CRL under the same name but another key never counts.
 */
public final class CrlSelector {
  /** How far in the future a CRL's or OCSP answer's thisUpdate may lie (clock skew), as in the JDK's checker. */
  static final Duration SKEW = Duration.ofMinutes(15);

  /** The CRL that decides for one certificate, and why there may be none. */
  public record Selection(Status status, X509CRL crl) {
    public enum Status { CURRENT, STALE, FUTURE, NONE }

    static final Selection NONE = new Selection(Status.NONE, null);
  }

  private record Signed(int crl, PublicKey key) {}

  private final CrlSet crls;
  private final List<X509CRL> all;
  private final Map<Signed, Boolean> signatures = new ConcurrentHashMap<>();

  public CrlSelector(CrlSet crls) {
    this.crls = Objects.requireNonNull(crls, "crls == null");
    this.all = crls.all();
  }

  public CrlSet crls() {
    return crls;
  }

  /** For each certificate of {@code path}, the CRL of its issuer: the next certificate, or the anchor it chains to. */
  List<Selection> forPath(List<X509Certificate> path, PkixAnchors anchors, Instant at) {
    List<Selection> selections = new ArrayList<>();
    for (int i = 0; i < path.size(); i++) {
      X509Certificate issuer = i + 1 < path.size() ? path.get(i + 1) : anchors.thatSigned(path.get(i));
      selections.add(issuer == null || crls.isEmpty() ? Selection.NONE : select(path.get(i), issuer, at));
    }
    return selections;
  }

  /**
   * The CRL that decides whether {@code certificate}, issued by {@code issuer}, is revoked at {@code at}: the newest
   * CRL that {@code issuer}'s key signed and whose scope covers the certificate.
   */
  Selection select(X509Certificate certificate, X509Certificate issuer, Instant at) {
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      X509CRL crl = all.get(i);
      if (crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal()) && mayIssueCrls(issuer)
          && covers(crl, certificate) && signedBy(i, issuer.getPublicKey())) {
        candidates.add(i);
      }
    }
    if (candidates.isEmpty()) {
      return Selection.NONE;
    }
    Instant latestStart = at.plus(SKEW);
    X509CRL newest = candidates.stream().map(all::get)
        .filter(crl -> !crl.getThisUpdate().toInstant().isAfter(latestStart))
        .max(Comparator.comparing(CrlSet::number).thenComparing(X509CRL::getThisUpdate))
        .orElse(null);
    if (newest == null) {
      X509CRL future = candidates.stream().map(all::get).min(Comparator.comparing(X509CRL::getThisUpdate)).get();
      return new Selection(Selection.Status.FUTURE, future);
    }
    boolean stale = !newest.getNextUpdate().toInstant().isAfter(at);
    return new Selection(stale ? Selection.Status.STALE : Selection.Status.CURRENT, newest);
  }

  private boolean signedBy(int crl, PublicKey key) {
    return signatures.computeIfAbsent(new Signed(crl, key), signed -> {
      try {
        all.get(crl).verify(key);
        return true;
      } catch (GeneralSecurityException e) {
        return false;
      }
    });
  }

  /** A CA whose key usage is given must include cRLSign for its CRLs to count (RFC 5280, 6.3.3 (f)). */
  private static boolean mayIssueCrls(X509Certificate issuer) {
    boolean[] usage = issuer.getKeyUsage();
    return usage == null || (usage.length > 6 && usage[6]);
  }

  /**
   * Whether the CRL's issuing-distribution-point scope includes this certificate: its kind (CA or not) and, when
   * the CRL names its distribution point, one the certificate names too (RFC 5280, 6.3.3 (b)(2)(i)).
   */
  private static boolean covers(X509CRL crl, X509Certificate certificate) {
    byte[] idp = crl.getExtensionValue(Extension.issuingDistributionPoint.getId());
    if (idp == null) {
      return true;
    }
    IssuingDistributionPoint scope = IssuingDistributionPoint.getInstance(ASN1OctetString.getInstance(idp)
        .getOctets());
    boolean ca = certificate.getBasicConstraints() >= 0;
    if ((scope.onlyContainsUserCerts() && ca) || (scope.onlyContainsCACerts() && !ca)) {
      return false;
    }
    DistributionPointName point = scope.getDistributionPoint();
    if (point == null || point.getType() != DistributionPointName.FULL_NAME) {
      return point == null;
    }
    Set<GeneralName> names = Set.of(GeneralNames.getInstance(point.getName()).getNames());
    byte[] extension = certificate.getExtensionValue(Extension.cRLDistributionPoints.getId());
    if (extension == null) {
      return false;
    }
    for (DistributionPoint named : CRLDistPoint.getInstance(ASN1OctetString.getInstance(extension).getOctets())
        .getDistributionPoints()) {
      DistributionPointName name = named.getDistributionPoint();
      if (name != null && name.getType() == DistributionPointName.FULL_NAME) {
        for (GeneralName general : GeneralNames.getInstance(name.getName()).getNames()) {
          if (names.contains(general)) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
