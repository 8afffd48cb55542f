package dev.mtls.testing.pki;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Builds one certificate exactly as a test describes it. */
public final class CertificateBuilder {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final TestCa issuer;
  private final X500Principal subject;
  private X500Principal issuerName;
  private KeyPair keyPair;
  private BigInteger serial;
  private Instant notBefore = Instant.now().minus(Duration.ofMinutes(5));
  private Instant notAfter = Instant.now().plus(Duration.ofDays(30));
  private boolean validityGiven;
  private Integer pathLen;
  private boolean ca;
  private KeyPurposeId[] extendedKeyUsage = {KeyPurposeId.id_kp_clientAuth};
  private Integer keyUsage;
  private final List<GeneralName> altNames = new ArrayList<>();
  private String signatureAlgorithm;
  private final List<Object[]> extensions = new ArrayList<>();
  private final List<GeneralSubtree> permitted = new ArrayList<>();

  CertificateBuilder(TestCa issuer, String subject) {
    this(issuer, new X500Principal(subject));
  }

  CertificateBuilder(TestCa issuer, X500Principal subject) {
    this.issuer = issuer;
    this.subject = subject;
  }

  /** The certified key; if unset, a fresh EC P-256 key. */
  public CertificateBuilder key(KeyPair keyPair) {
    this.keyPair = keyPair;
    return this;
  }

  /** The serial number; if unset, a random positive 127-bit one. */
  public CertificateBuilder serial(BigInteger serial) {
    this.serial = serial;
    return this;
  }

  /** A TLS client leaf (EKU clientAuth); the default. */
  public CertificateBuilder client() {
    this.extendedKeyUsage = new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth};
    return this;
  }

  /** A TLS server leaf (EKU serverAuth) for localhost, 127.0.0.1 and ::1. */
  public CertificateBuilder server() {
    this.extendedKeyUsage = new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth};
    return dns("localhost").ip("127.0.0.1").ip("::1");
  }

  public CertificateBuilder extendedKeyUsage(KeyPurposeId... purposes) {
    this.extendedKeyUsage = purposes.clone();
    return this;
  }

  /** Key usage bits ({@link KeyUsage#digitalSignature} | …); if unset, what the certificate's kind needs. */
  public CertificateBuilder keyUsage(int bits) {
    this.keyUsage = bits;
    return this;
  }

  /** A CA certificate with basicConstraints pathLen. */
  public CertificateBuilder ca(int pathLen) {
    this.ca = true;
    this.pathLen = pathLen;
    this.extendedKeyUsage = null;
    return this;
  }

  /** A CA certificate without a pathLen limit. */
  public CertificateBuilder caWithoutPathLen() {
    this.ca = true;
    this.pathLen = null;
    this.extendedKeyUsage = null;
    return this;
  }

  public CertificateBuilder dns(String name) {
    altNames.add(new GeneralName(GeneralName.dNSName, name));
    return this;
  }

  public CertificateBuilder ip(String address) {
    try {
      altNames.add(new GeneralName(GeneralName.iPAddress,
          new DEROctetString(InetAddress.getByName(address).getAddress())));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(address, e);
    }
    return this;
  }

  public CertificateBuilder uri(String uri) {
    altNames.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
    return this;
  }

  public CertificateBuilder email(String address) {
    altNames.add(new GeneralName(GeneralName.rfc822Name, address));
    return this;
  }

  /** If unset: from five minutes ago, for 30 days (a leaf) or five years (a CA, so that leaves expire first). */
  public CertificateBuilder validity(Instant notBefore, Instant notAfter) {
    this.notBefore = notBefore;
    this.notAfter = notAfter;
    this.validityGiven = true;
    return this;
  }

  public CertificateBuilder validFor(Duration duration) {
    this.notAfter = notBefore.plus(duration);
    this.validityGiven = true;
    return this;
  }

  /** Valid for a day, ten days ago. */
  public CertificateBuilder expired() {
    return validity(Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(9)));
  }

  /** Valid from tomorrow. */
  public CertificateBuilder notYetValid() {
    return validity(Instant.now().plus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)));
  }

  /** The JCA signature algorithm the issuer signs with, e.g. SHA1withECDSA; if unset, SHA-256 with the key's kind. */
  public CertificateBuilder signatureAlgorithm(String algorithm) {
    this.signatureAlgorithm = algorithm;
    return this;
  }

  /** An extra extension, e.g. an unknown critical one. */
  public CertificateBuilder extension(String oid, boolean critical, ASN1Encodable value) {
    extensions.add(new Object[] {new ASN1ObjectIdentifier(oid), critical, value});
    return this;
  }

  /** Names {@code url} as the OCSP responder (Authority Information Access). */
  public CertificateBuilder ocspUrl(String url) {
    return extension(org.bouncycastle.asn1.x509.Extension.authorityInfoAccess.getId(), false,
        new org.bouncycastle.asn1.x509.AuthorityInformationAccess(
            org.bouncycastle.asn1.x509.AccessDescription.id_ad_ocsp,
            new GeneralName(GeneralName.uniformResourceIdentifier, url)));
  }

  /** Names {@code url} as the CRL distribution point. */
  public CertificateBuilder crlUrl(String url) {
    org.bouncycastle.asn1.x509.DistributionPointName name = new org.bouncycastle.asn1.x509.DistributionPointName(
        new org.bouncycastle.asn1.x509.GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, url)));
    return extension(org.bouncycastle.asn1.x509.Extension.cRLDistributionPoints.getId(), false,
        new org.bouncycastle.asn1.x509.CRLDistPoint(new org.bouncycastle.asn1.x509.DistributionPoint[] {
            new org.bouncycastle.asn1.x509.DistributionPoint(name, null, null)}));
  }

  /** The TLS Feature extension asking for status_request (RFC 7633 "must-staple"). */
  public CertificateBuilder mustStaple() {
    return extension("1.3.6.1.5.5.7.1.24", false, new org.bouncycastle.asn1.DERSequence(
        new org.bouncycastle.asn1.ASN1Integer(5)));
  }

  /** A name constraint: only names below this DNS name may be issued under this CA. */
  public CertificateBuilder permittedDns(String name) {
    permitted.add(new GeneralSubtree(new GeneralName(GeneralName.dNSName, name)));
    return this;
  }

  /** The certificate names this issuer instead of the CA's own name (for broken-chain tests). */
  public CertificateBuilder issuerName(String dn) {
    this.issuerName = new X500Principal(dn);
    return this;
  }

  public Issued build() {
    KeyPair pair = keyPair != null ? keyPair : Keys.ec();
    Instant notAfter = ca && !validityGiven ? notBefore.plus(Duration.ofDays(1825)) : this.notAfter;
    X500Principal issuerPrincipal = issuerName != null ? issuerName
        : issuer == null ? subject : issuer.subject();
    PrivateKey signingKey = issuer == null ? pair.getPrivate() : issuer.privateKey();
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerPrincipal,
          serial != null ? serial : new BigInteger(127, RANDOM).setBit(126), Date.from(notBefore), Date.from(notAfter), subject,
          pair.getPublic());
      builder.addExtension(Extension.basicConstraints, true,
          ca ? (pathLen == null ? new BasicConstraints(true) : new BasicConstraints(pathLen))
              : new BasicConstraints(false));
      int usage = keyUsage != null ? keyUsage
          : ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature;
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
      if (extendedKeyUsage != null) {
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(extendedKeyUsage));
      }
      if (!altNames.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(altNames.toArray(new GeneralName[0])));
      }
      if (!permitted.isEmpty()) {
        builder.addExtension(Extension.nameConstraints, true,
            new NameConstraints(permitted.toArray(new GeneralSubtree[0]), null));
      }
      builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
      if (issuer != null) {
        builder.addExtension(Extension.authorityKeyIdentifier, false,
            utils.createAuthorityKeyIdentifier(issuer.keyPair().getPublic()));
      }
      for (Object[] extension : extensions) {
        builder.addExtension((ASN1ObjectIdentifier) extension[0], (Boolean) extension[1], (ASN1Encodable) extension[2]);
      }
      String algorithm = signatureAlgorithm != null ? signatureAlgorithm : defaultSignature(signingKey);
      X509Certificate certificate = new JcaX509CertificateConverter()
          .getCertificate(builder.build(signer(algorithm, signingKey)));
      List<X509Certificate> below = issuer == null ? List.of() : issuer.chainBelowRoot();
      return new Issued(certificate, pair, Issued.prepend(certificate, below));
    } catch (Exception e) {
      throw new IllegalStateException("cannot build the test certificate " + subject + ": " + e.getMessage(), e);
    }
  }

  /** Builds a CA certificate and returns it as a CA that can issue. */
  public TestCa buildCa() {
    if (!ca) {
      ca(0);
    }
    Issued issued = build();
    // A root is not sent by peers; a CA below the root is, with its issuers.
    List<X509Certificate> below = issuer == null ? List.of() : issued.chain();
    return new TestCa(issued, below);
  }

  static ContentSigner signer(String algorithm, PrivateKey key) throws Exception {
    JcaContentSignerBuilder builder = new JcaContentSignerBuilder(algorithm);
    if (key.getClass().getName().startsWith("org.bouncycastle") || algorithm.contains("MGF1")) {
      builder.setProvider(Keys.BOUNCY_CASTLE);
    }
    return builder.build(key);
  }

  static String defaultSignature(PrivateKey key) {
    return switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "DSA" -> "SHA256withDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> "SHA256withECDSA";
    };
  }
}
