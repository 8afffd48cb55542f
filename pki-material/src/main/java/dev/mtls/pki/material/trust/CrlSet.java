package dev.mtls.pki.material.trust;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.pki.material.Pem;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.IssuingDistributionPoint;

/**
 * The CRLs a verifier knows, from one or more sources (files). The {@link Trust} applies, to each certificate of a
 * validated path, the one that decides for it: among the CRLs signed by the key of the certificate's issuer (as PKIX
 * validated it) whose scope covers the certificate, the newest, by CRL number and then thisUpdate. File order never
 * matters, and a CRL under the same name but another key never counts.
 *
 * <p>What this project cannot apply correctly is refused when a CRL is loaded, with the reason: delta CRLs,
 * indirect CRLs, CRLs partitioned by reason, unknown critical extensions, CRLs without a nextUpdate.
 */
public final class CrlSet {
  /** No CRLs at all: revocation is not checked. */
  public static final CrlSet NONE = new CrlSet(Map.of());

  private static final String ISSUING_DISTRIBUTION_POINT = Extension.issuingDistributionPoint.getId();
  private static final String DELTA_CRL_INDICATOR = Extension.deltaCRLIndicator.getId();

  private final Map<String, List<X509CRL>> sources;
  private final List<X509CRL> all;

  private CrlSet(Map<String, List<X509CRL>> sources) {
    this.sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
    List<X509CRL> all = new ArrayList<>();
    sources.values().forEach(all::addAll);
    this.all = List.copyOf(all);
  }

  /** CRLs given in memory, checked as if loaded from a file named {@code source}. */
  public static CrlSet of(String source, List<X509CRL> crls) {
    return NONE.with(source, crls);
  }

  /**
   * Reads the PEM CRLs of {@code file} and refuses, naming the file and the CRL, any this project cannot apply
   * correctly.
   */
  public static List<X509CRL> load(Path file) {
    List<X509CRL> crls = Pem.loadCrls(file);
    checkUsable(file.toString(), crls);
    return crls;
  }

  /** This set with the CRLs of {@code source} replaced (a reloaded file); empty {@code crls} removes it. */
  public CrlSet with(String source, List<X509CRL> crls) {
    checkUsable(source, crls);
    Map<String, List<X509CRL>> next = new LinkedHashMap<>(sources);
    if (crls.isEmpty()) {
      next.remove(source);
    } else {
      next.put(source, List.copyOf(crls));
    }
    return new CrlSet(next);
  }

  /** The source (file or URL) a CRL of this set came from. */
  public String sourceOf(X509CRL crl) {
    for (Map.Entry<String, List<X509CRL>> source : sources.entrySet()) {
      for (X509CRL known : source.getValue()) {
        if (known == crl) {
          return source.getKey();
        }
      }
    }
    return "";
  }

  /** True when no CRL is configured: then revocation is not checked at all. */
  public boolean isEmpty() {
    return all.isEmpty();
  }

  /** Every CRL, in source order. */
  public List<X509CRL> all() {
    return all;
  }

  /** The sources and their CRLs. */
  public Map<String, List<X509CRL>> sources() {
    return sources;
  }

  /** The CRL number, or -1 for a CRL without one (v1): any numbered CRL is newer. */
  public static BigInteger number(X509CRL crl) {
    byte[] extension = crl.getExtensionValue(Extension.cRLNumber.getId());
    if (extension == null) {
      return BigInteger.ONE.negate();
    }
    return CRLNumber.getInstance(ASN1OctetString.getInstance(extension).getOctets()).getCRLNumber();
  }

  private static IssuingDistributionPoint scope(X509CRL crl) {
    byte[] extension = crl.getExtensionValue(ISSUING_DISTRIBUTION_POINT);
    return extension == null ? null
        : IssuingDistributionPoint.getInstance(ASN1OctetString.getInstance(extension).getOctets());
  }

  /**
   * Refuses, naming {@code source} and the CRL, any CRL this project cannot apply correctly: without nextUpdate,
   * delta, indirect, partitioned by reason, or with an unknown critical extension.
   */
  public static void checkUsable(String source, List<X509CRL> crls) {
    for (int i = 0; i < crls.size(); i++) {
      X509CRL crl = crls.get(i);
      String which = source + ": CRL " + (i + 1) + " (issuer \""
          + DistinguishedName.of(crl.getIssuerX500Principal()).toDisplayString() + "\", number " + number(crl) + ")";
      if (crl.getNextUpdate() == null) {
        throw new KeyMaterialException(which + " has no nextUpdate, so nobody can tell when it is out of date;"
            + " publish a CRL with a nextUpdate");
      }
      Set<String> critical = crl.getCriticalExtensionOIDs();
      if (critical != null) {
        for (String oid : critical) {
          if (oid.equals(DELTA_CRL_INDICATOR)) {
            throw new KeyMaterialException(which + " is a delta CRL; only complete CRLs are supported: give the"
                + " full CRL instead");
          }
          if (!oid.equals(ISSUING_DISTRIBUTION_POINT)) {
            throw new KeyMaterialException(which + " has the critical extension " + oid + ", which this verifier"
                + " does not understand; a CRL with an unknown critical extension must not be used");
          }
        }
      }
      IssuingDistributionPoint scope = scope(crl);
      if (scope != null && (scope.isIndirectCRL() || scope.getOnlySomeReasons() != null
          || scope.onlyContainsAttributeCerts())) {
        throw new KeyMaterialException(which + " is " + (scope.isIndirectCRL() ? "an indirect CRL"
            : scope.getOnlySomeReasons() != null ? "partitioned by revocation reason" : "for attribute certificates")
            + ", which this verifier does not support; give the issuer's complete CRL");
      }
      if (crl.getRevokedCertificates() != null) {
        for (X509CRLEntry entry : crl.getRevokedCertificates()) {
          Set<String> entryCritical = entry.getCriticalExtensionOIDs();
          if (entryCritical != null && !entryCritical.isEmpty()) {
            throw new KeyMaterialException(which + " has an entry (serial " + entry.getSerialNumber().toString(16)
                + ") with the critical extension(s) " + entryCritical + ", which this verifier does not support");
          }
        }
      }
    }
  }

  @Override
  public String toString() {
    return all.size() + " CRL(s) from " + sources.keySet();
  }
}
