package dev.mtls.pki.material.internal.revocation;

import java.io.IOException;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * Where a certificate says its status is published: the OCSP URLs of its Authority Information Access and the URLs
 * of its CRL distribution points, http(s) only. An unreadable extension names nothing.
 */
public final class Locations {
  private Locations() {}

  public static List<URI> ocsp(X509Certificate certificate) {
    byte[] value = certificate.getExtensionValue(Extension.authorityInfoAccess.getId());
    List<URI> uris = new ArrayList<>();
    if (value == null) {
      return uris;
    }
    try {
      AuthorityInformationAccess access = AuthorityInformationAccess.getInstance(
          JcaX509ExtensionUtils.parseExtensionValue(value));
      for (AccessDescription description : access.getAccessDescriptions()) {
        if (description.getAccessMethod().equals(AccessDescription.id_ad_ocsp)) {
          http(description.getAccessLocation()).ifPresent(uris::add);
        }
      }
    } catch (IOException | RuntimeException e) {
      // An unreadable extension names no responder.
    }
    return uris;
  }

  public static List<URI> crlDistributionPoints(X509Certificate certificate) {
    byte[] value = certificate.getExtensionValue(Extension.cRLDistributionPoints.getId());
    List<URI> uris = new ArrayList<>();
    if (value == null) {
      return uris;
    }
    try {
      CRLDistPoint points = CRLDistPoint.getInstance(JcaX509ExtensionUtils.parseExtensionValue(value));
      for (DistributionPoint point : points.getDistributionPoints()) {
        DistributionPointName name = point.getDistributionPoint();
        // A point limited to some reasons, or whose CRL another issuer signs, is not one this verifier applies.
        if (name == null || name.getType() != DistributionPointName.FULL_NAME || point.getReasons() != null
            || point.getCRLIssuer() != null) {
          continue;
        }
        for (GeneralName general : GeneralNames.getInstance(name.getName()).getNames()) {
          http(general).ifPresent(uris::add);
        }
      }
    } catch (IOException | RuntimeException e) {
      // An unreadable extension names no distribution point.
    }
    return uris;
  }

  private static Optional<URI> http(GeneralName name) {
    if (name.getTagNo() != GeneralName.uniformResourceIdentifier) {
      return Optional.empty();
    }
    try {
      URI uri = URI.create(name.getName().toString());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return scheme.equals("http") || scheme.equals("https") ? Optional.of(uri) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
