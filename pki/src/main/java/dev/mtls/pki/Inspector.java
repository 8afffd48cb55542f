package dev.mtls.pki;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.Fingerprint;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.SubjectAltName;
import java.math.BigInteger;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;

/**
 * Certificates, CSRs and CRLs as readable text, like {@code openssl x509 -text} without the ASN.1 noise.
 * Every value that comes from the object is escaped: a subject is attacker-chosen.
 */
public final class Inspector {
  private static final String[] KEY_USAGES = {"digitalSignature", "nonRepudiation", "keyEncipherment",
      "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"};
  private static final Map<String, String> PURPOSES = Map.of(
      "1.3.6.1.5.5.7.3.1", "serverAuth", "1.3.6.1.5.5.7.3.2", "clientAuth", "1.3.6.1.5.5.7.3.3", "codeSigning",
      "1.3.6.1.5.5.7.3.4", "emailProtection", "1.3.6.1.5.5.7.3.8", "timeStamping", "1.3.6.1.5.5.7.3.9", "OCSPSigning",
      "2.5.29.37.0", "anyExtendedKeyUsage");

  private Inspector() {}

  public static String describe(X509Certificate certificate, Instant now) {
    Lines out = new Lines();
    out.add("Subject", DistinguishedName.of(certificate.getSubjectX500Principal()).toDisplayString());
    out.add("Issuer", DistinguishedName.of(certificate.getIssuerX500Principal()).toDisplayString());
    out.add("Serial", hex(certificate.getSerialNumber()) + " (" + certificate.getSerialNumber().bitLength() + " bits)");
    Instant notBefore = certificate.getNotBefore().toInstant();
    Instant notAfter = certificate.getNotAfter().toInstant();
    out.add("Valid from", notBefore.toString());
    out.add("Valid until", notAfter + " (" + remaining(notBefore, notAfter, now) + ")");
    out.add("Public key", describeKey(certificate.getPublicKey()));
    out.add("Signature", certificate.getSigAlgName());
    int pathLen = certificate.getBasicConstraints();
    out.add("Basic constraints", pathLen < 0 ? "not a CA"
        : "CA" + (pathLen == Integer.MAX_VALUE ? ", no path length limit" : ", pathLen " + pathLen)
            + critical(certificate, Extension.basicConstraints));
    boolean[] usage = certificate.getKeyUsage();
    if (usage != null) {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < usage.length && i < KEY_USAGES.length; i++) {
        if (usage[i]) {
          names.add(KEY_USAGES[i]);
        }
      }
      out.add("Key usage", String.join(", ", names) + critical(certificate, Extension.keyUsage));
    }
    try {
      List<String> eku = certificate.getExtendedKeyUsage();
      if (eku != null) {
        out.add("Extended key usage", String.join(", ", eku.stream().map(o -> PURPOSES.getOrDefault(o, o)).toList()));
      }
    } catch (CertificateParsingException e) {
      out.add("Extended key usage", "unreadable: " + e.getMessage());
    }
    List<SubjectAltName> sans = SubjectAltName.of(certificate);
    if (!sans.isEmpty()) {
      out.add("Subject alt names", SafeText.escape(String.join(", ", sans.stream().map(SubjectAltName::toString).toList())));
    }
    byte[] ski = extension(certificate, Extension.subjectKeyIdentifier);
    if (ski != null) {
      out.add("Subject key id", colons(SubjectKeyIdentifier.getInstance(ski).getKeyIdentifier()));
    }
    byte[] aki = extension(certificate, Extension.authorityKeyIdentifier);
    if (aki != null) {
      byte[] id = AuthorityKeyIdentifier.getInstance(aki).getKeyIdentifier();
      out.add("Authority key id", id == null ? "(issuer name and serial only)" : colons(id));
    }
    byte[] crlDp = extension(certificate, Extension.cRLDistributionPoints);
    if (crlDp != null) {
      List<String> urls = new ArrayList<>();
      for (DistributionPoint point : CRLDistPoint.getInstance(crlDp).getDistributionPoints()) {
        if (point.getDistributionPoint() != null
            && point.getDistributionPoint().getName() instanceof GeneralNames names) {
          for (GeneralName name : names.getNames()) {
            urls.add(SafeText.escape(name.getName().toString()));
          }
        }
      }
      out.add("CRL distribution", String.join(", ", urls));
    }
    byte[] aia = extension(certificate, Extension.authorityInfoAccess);
    if (aia != null) {
      List<String> ocsp = new ArrayList<>();
      List<String> issuers = new ArrayList<>();
      for (AccessDescription description : AuthorityInformationAccess.getInstance(aia).getAccessDescriptions()) {
        String location = SafeText.escape(description.getAccessLocation().getName().toString());
        if (AccessDescription.id_ad_ocsp.equals(description.getAccessMethod())) {
          ocsp.add(location);
        } else if (AccessDescription.id_ad_caIssuers.equals(description.getAccessMethod())) {
          issuers.add(location);
        }
      }
      if (!ocsp.isEmpty()) {
        out.add("OCSP responder", String.join(", ", ocsp));
      }
      if (!issuers.isEmpty()) {
        out.add("CA issuers", String.join(", ", issuers));
      }
    }
    out.add("SHA-256 fingerprint", Fingerprint.sha256(certificate));
    return out.toString();
  }

  public static String describeChain(List<X509Certificate> chain, Instant now) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < chain.size(); i++) {
      out.append("Certificate ").append(i + 1).append(" of ").append(chain.size())
          .append(i == 0 ? " (leaf)" : "").append('\n').append(describe(chain.get(i), now));
      if (i + 1 < chain.size()) {
        out.append('\n');
      }
    }
    return out.toString();
  }

  public static String describe(Csr csr) {
    Lines out = new Lines();
    out.add("Subject", DistinguishedName.of(csr.subject()).toDisplayString());
    out.add("Public key", describeKey(csr.publicKey()));
    List<SubjectAltName> sans = csr.subjectAltNames();
    out.add("Requested SANs", sans.isEmpty() ? "(none)"
        : SafeText.escape(String.join(", ", sans.stream().map(SubjectAltName::toString).toList())));
    String signature;
    try {
      csr.verifySignature();
      signature = "valid (the requester holds the private key)";
    } catch (RequestRefusedException e) {
      signature = "INVALID: " + e.getMessage();
    }
    out.add("Signature", signature);
    return out.toString();
  }

  public static String describe(X509CRL crl, Instant now) {
    Lines out = new Lines();
    out.add("Issuer", DistinguishedName.of(crl.getIssuerX500Principal()).toDisplayString());
    out.add("Version", "v" + crl.getVersion());
    byte[] number = crl.getExtensionValue(Extension.cRLNumber.getId());
    if (number != null) {
      out.add("CRL number", CRLNumber.getInstance(
          ASN1OctetString.getInstance(number).getOctets()).getCRLNumber().toString());
    }
    out.add("This update", crl.getThisUpdate().toInstant().toString());
    if (crl.getNextUpdate() != null) {
      Instant next = crl.getNextUpdate().toInstant();
      out.add("Next update", next + (next.isBefore(now) ? " (STALE: past its next update)" : ""));
    }
    out.add("Signature", crl.getSigAlgName());
    var entries = crl.getRevokedCertificates();
    out.add("Revoked", entries == null ? "none" : entries.size() + " certificate(s)");
    if (entries != null) {
      for (X509CRLEntry entry : entries) {
        String reason = entry.getRevocationReason() == null ? "unspecified" : entry.getRevocationReason().name();
        out.add("  serial", hex(entry.getSerialNumber()) + " at " + entry.getRevocationDate().toInstant()
            + ", reason " + reason);
      }
    }
    return out.toString();
  }

  public static String hex(BigInteger serial) {
    return colons(serial.toByteArray());
  }

  static String describeKey(PublicKey key) {
    if (key instanceof RSAPublicKey rsa) {
      return "RSA " + rsa.getModulus().bitLength() + " bits";
    }
    if (key instanceof ECPublicKey ec) {
      int size = ec.getParams().getCurve().getField().getFieldSize();
      return "EC P-" + size;
    }
    return key.getAlgorithm();
  }

  private static String remaining(Instant notBefore, Instant notAfter, Instant now) {
    if (now.isBefore(notBefore)) {
      return "NOT YET VALID: starts in " + Duration.between(now, notBefore).toDays() + " days";
    }
    if (now.isAfter(notAfter)) {
      return "EXPIRED " + Duration.between(notAfter, now).toDays() + " days ago";
    }
    return Duration.between(now, notAfter).toDays() + " days left";
  }

  private static String critical(X509Certificate certificate, ASN1ObjectIdentifier oid) {
    return certificate.getCriticalExtensionOIDs() != null && certificate.getCriticalExtensionOIDs().contains(oid.getId())
        ? " (critical)" : "";
  }

  private static byte[] extension(X509Certificate certificate, ASN1ObjectIdentifier oid) {
    byte[] value = certificate.getExtensionValue(oid.getId());
    return value == null ? null : ASN1OctetString.getInstance(value).getOctets();
  }

  private static String colons(byte[] bytes) {
    String hex = HexFormat.of().formatHex(bytes);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < hex.length(); i += 2) {
      if (i > 0) {
        out.append(':');
      }
      out.append(hex, i, i + 2);
    }
    return out.toString();
  }

  private static final class Lines {
    private final StringBuilder out = new StringBuilder();

    void add(String label, String value) {
      out.append(String.format("  %-20s %s%n", label + ":", value));
    }

    @Override
    public String toString() {
      return out.toString();
    }
  }
}
