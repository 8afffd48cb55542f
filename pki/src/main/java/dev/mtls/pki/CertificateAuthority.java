package dev.mtls.pki;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.KeyPairs;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.SubjectAltName;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority: a CA certificate, its private key, and the chain up to the root. It issues
 * intermediates and leaves under fixed profiles, signs CSRs after checking them, and signs CRLs.
 *
 * <p>Defaults: root 10 years with pathLen 1, intermediate 5 years with pathLen 0, leaves 90 days; every
 * validity is cut to the issuer's own notAfter, so nothing outlives its issuer. Serials are random, positive
 * and 159 bits long (RFC 5280 allows at most 20 octets; CA/B Forum asks for 64 bits of entropy).
 */
public final class CertificateAuthority {
  public static final Duration ROOT_VALIDITY = Duration.ofDays(3650);
  public static final Duration INTERMEDIATE_VALIDITY = Duration.ofDays(1825);
  /** Backdating for clocks that run a little behind ours. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final List<X509Certificate> chain;
  private final Clock clock;
  private final Locations locations;

  /** Where the certificates this CA issues say their revocation status is published (either may be null). */
  private record Locations(String crlUrl, String ocspUrl) {
    static final Locations NONE = new Locations(null, null);
  }

  private CertificateAuthority(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chain,
      Clock clock, Locations locations) {
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.chain = List.copyOf(chain);
    this.clock = clock;
    this.locations = locations;
  }

  /** A self-signed root: basicConstraints CA (pathLen 1) and keyCertSign + cRLSign, both critical. */
  public static CertificateAuthority createRoot(X500Principal subject, KeyAlgorithm algorithm, Duration validity,
      Clock clock) {
    KeyPair keyPair = algorithm.generate();
    Instant notBefore = clock.instant().minus(CLOCK_SKEW);
    X509Certificate root = build(subject, keyPair.getPublic(), subject, keyPair.getPublic(), keyPair.getPrivate(),
        notBefore, notBefore.plus(validity), builder -> {
          builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
          builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        }, Locations.NONE);
    return new CertificateAuthority(root, keyPair.getPrivate(), List.of(root), clock, Locations.NONE);
  }

  /** A root with EC P-256, ten years, and the system clock. */
  public static CertificateAuthority createRoot(String distinguishedName) {
    return createRoot(new X500Principal(distinguishedName), KeyAlgorithm.EC_P256, ROOT_VALIDITY, Clock.systemUTC());
  }

  /**
   * Loads an existing CA from its certificate chain (this CA first) and private key. Throws if the key does
   * not match or the certificate is not a CA.
   */
  public static CertificateAuthority of(List<X509Certificate> chain, PrivateKey privateKey, Clock clock) {
    X509Certificate certificate = chain.get(0);
    if (certificate.getBasicConstraints() < 0) {
      throw new IllegalArgumentException("not a CA certificate: " + certificate.getSubjectX500Principal().getName());
    }
    if (!KeyPairs.matches(certificate.getPublicKey(), privateKey)) {
      throw new IllegalArgumentException("the CA private key does not match the CA certificate");
    }
    return new CertificateAuthority(certificate, privateKey, chain, clock, Locations.NONE);
  }

  /** An intermediate CA signed by this one: pathLen 0, so it can issue leaves but no further CAs. */
  public CertificateAuthority createIntermediate(X500Principal subject, KeyAlgorithm algorithm, Duration validity) {
    if (certificate.getBasicConstraints() < 1) {
      throw new IllegalStateException("this CA has pathLen 0 and cannot create another CA");
    }
    KeyPair keyPair = algorithm.generate();
    Instant notBefore = clock.instant().minus(CLOCK_SKEW);
    X509Certificate intermediate = build(subject, keyPair.getPublic(), certificate.getSubjectX500Principal(),
        certificate.getPublicKey(), privateKey, notBefore, clamp(notBefore.plus(validity)), builder -> {
          builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
          builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        }, locations);
    List<X509Certificate> newChain = new ArrayList<>();
    newChain.add(intermediate);
    newChain.addAll(chain);
    return new CertificateAuthority(intermediate, keyPair.getPrivate(), newChain, clock, Locations.NONE);
  }

  public CertificateAuthority createIntermediate(String distinguishedName) {
    return createIntermediate(new X500Principal(distinguishedName), KeyAlgorithm.EC_P256, INTERMEDIATE_VALIDITY);
  }

  /** This CA, issuing certificates that name {@code url} as their CRL distribution point. */
  public CertificateAuthority withCrlDistributionPoint(String url) {
    SubjectAltName.uri(url);
    return new CertificateAuthority(certificate, privateKey, chain, clock, new Locations(url, locations.ocspUrl()));
  }

  /**
   * This CA, issuing certificates whose Authority Information Access names {@code url} as the OCSP responder
   * (RFC 6960: {@code id-ad-ocsp}), where relying parties ask for their status.
   */
  public CertificateAuthority withOcspResponder(String url) {
    SubjectAltName.uri(url);
    return new CertificateAuthority(certificate, privateKey, chain, clock, new Locations(locations.crlUrl(), url));
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  /** This CA first, up to and including the root. */
  public List<X509Certificate> chain() {
    return chain;
  }

  public Clock clock() {
    return clock;
  }

  /**
   * A delegated OCSP responder certificate (RFC 6960 4.2.2.2): EKU id-kp-OCSPSigning only, key usage
   * digitalSignature, and id-pkix-ocsp-nocheck, so relying parties trust its responses for this CA's certificates
   * without asking about the responder itself; hence a short life.
   */
  public IssuedCertificate issueOcspSigner(X500Principal subject, Duration validity) {
    KeyPair keyPair = KeyAlgorithm.EC_P256.generate();
    refuseCaNames(subject, List.of());
    Instant notBefore = clock.instant().minus(CLOCK_SKEW);
    X509Certificate signer = build(subject, keyPair.getPublic(), certificate.getSubjectX500Principal(),
        certificate.getPublicKey(), privateKey, notBefore, clamp(notBefore.plus(validity)), builder -> {
          builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
          builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
          builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning));
          builder.addExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, DERNull.INSTANCE);
        }, Locations.NONE);
    return new IssuedCertificate(withIssuers(signer), keyPair);
  }

  /** Generates a key pair and issues a certificate for it. */
  public IssuedCertificate issue(CertificateSpec spec) {
    KeyPair keyPair = spec.keyAlgorithm().generate();
    refuseWildcardClientNames(spec.profile(), spec.subjectAltNames(), false);
    X509Certificate leaf = leaf(spec.profile(), spec.subject(), spec.subjectAltNames(), keyPair.getPublic(),
        spec.notBefore(), spec.validity());
    return new IssuedCertificate(withIssuers(leaf), keyPair);
  }

  /**
   * Signs a request under {@code profile}. The request only supplies subject, SANs and public key; the
   * profile supplies every extension. Refused, with the reason, if the request's signature does not verify,
   * its key is weak, or {@code policy} does not allow its names.
   */
  public IssuedCertificate sign(Csr csr, Profile profile, NamePolicy policy, Duration validity) {
    csr.verifySignature();
    PublicKey key = csr.publicKey();
    KeyPolicy.check(key);
    checkWellFormed(csr.subjectAltNames());
    policy.check(csr.subject(), csr.subjectAltNames());
    refuseWildcardClientNames(profile, csr.subjectAltNames(), policy.allowsWildcardClientNames());
    X509Certificate leaf = leaf(profile, csr.subject(), csr.subjectAltNames(), key, null, validity);
    return new IssuedCertificate(withIssuers(leaf), null);
  }

  /**
   * Re-issues {@code existing} for the same subject and SANs with a new serial and validity, for the same
   * public key, or for {@code newKey} when given.
   */
  public X509Certificate renew(X509Certificate existing, PublicKey newKey, Duration validity) {
    Profile profile = profileOf(existing);
    List<SubjectAltName> names = SubjectAltName.of(existing);
    PublicKey key = newKey == null ? existing.getPublicKey() : newKey;
    KeyPolicy.check(key);
    return leaf(profile, existing.getSubjectX500Principal(), names, key, null, validity);
  }

  /** A v2 CRL: CRL number, AKI, thisUpdate and nextUpdate, one entry with its reason per revocation. */
  public X509CRL crl(List<Revocation> revoked, BigInteger crlNumber, Instant thisUpdate, Instant nextUpdate) {
    try {
      X509v2CRLBuilder builder = new X509v2CRLBuilder(
          org.bouncycastle.asn1.x500.X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
          Date.from(thisUpdate));
      builder.setNextUpdate(Date.from(nextUpdate));
      for (Revocation revocation : revoked) {
        builder.addCRLEntry(revocation.serial(), Date.from(revocation.revokedAt()), revocation.reason().code());
      }
      builder.addExtension(Extension.cRLNumber, false, new CRLNumber(crlNumber));
      builder.addExtension(Extension.authorityKeyIdentifier, false, extensionUtils().createAuthorityKeyIdentifier(certificate));
      X509CRLHolder holder = builder.build(signer(privateKey, certificate.getPublicKey()));
      return new JcaX509CRLConverter().getCRL(holder);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot sign CRL: " + e.getMessage(), e);
    }
  }

  /**
   * A leaf named like one of its CAs, by its whole subject, its CN or an alternative name, misleads whoever reads
   * names (a log, a person, a rule written by name).
   */
  private void refuseCaNames(X500Principal subject, List<SubjectAltName> names) {
    DistinguishedName leafName = DistinguishedName.of(subject);
    for (X509Certificate ca : chain) {
      X500Principal caSubject = ca.getSubjectX500Principal();
      if (caSubject.equals(subject)) {
        throw new RequestRefusedException("the subject " + SafeText.escape(subject.getName())
            + " is the name of a CA in this chain; a leaf named like its CA misleads whoever reads names");
      }
      DistinguishedName caName = DistinguishedName.of(caSubject);
      for (String cn : caName.values("CN")) {
        if (leafName.values("CN").stream().anyMatch(cn::equalsIgnoreCase)) {
          throw new RequestRefusedException("the subject's CN '" + SafeText.escape(cn) + "' is the CN of a CA in"
              + " this chain (" + caName.toDisplayString() + "); choose a name no CA has");
        }
        for (SubjectAltName name : names) {
          if (name.value().equalsIgnoreCase(cn) || name.value().equalsIgnoreCase(caSubject.getName())) {
            throw new RequestRefusedException("the subject alternative name " + SafeText.escape(name.toString())
                + " is the name of a CA in this chain (" + caName.toDisplayString() + ")");
          }
        }
      }
    }
  }

  /** A URI with dot segments or escaped dots and slashes can be read as another path than it shows. */
  private static void refuseUnplainUris(List<SubjectAltName> names) {
    for (SubjectAltName name : names) {
      if (name.type() != SubjectAltName.Type.URI) {
        continue;
      }
      String uri = name.value();
      if (SubjectAltName.hasDotOrEmptySegments(uri)
          || uri.toLowerCase(java.util.Locale.ROOT).matches(".*%(2e|2f|5c).*")) {
        throw new RequestRefusedException("the URI " + SafeText.escape(uri) + " has dot or empty path segments or"
            + " an escaped '.', '/' or '\\'; a URI must show the one path it names");
      }
    }
  }

  /**
   * A wildcard DNS name in a client certificate lets one key speak for every host of a domain; it is issued only
   * when the name policy says so explicitly.
   */
  private static void refuseWildcardClientNames(Profile profile, List<SubjectAltName> names, boolean allowed) {
    if (profile != Profile.CLIENT || allowed) {
      return;
    }
    for (SubjectAltName name : names) {
      if (name.type() == SubjectAltName.Type.DNS && name.value().contains("*")) {
        throw new RequestRefusedException("the client certificate would name the wildcard " + SafeText.escape(
            name.toString()) + "; wildcard names in client certificates need --allow-wildcard-dns");
      }
    }
  }

  /** A request's names bypass {@link SubjectAltName}'s factories: hold them to the same rules. */
  private static void checkWellFormed(List<SubjectAltName> names) {
    for (SubjectAltName name : names) {
      try {
        switch (name.type()) {
          case DNS -> SubjectAltName.dns(name.value());
          case IP -> SubjectAltName.ip(name.value());
          case EMAIL -> SubjectAltName.email(name.value());
          case URI -> SubjectAltName.uri(name.value());
        }
      } catch (IllegalArgumentException e) {
        throw new RequestRefusedException("the request's subject alternative name is malformed: "
            + dev.mtls.pki.material.SafeText.escape(e.getMessage()));
      }
    }
  }

  static Profile profileOf(X509Certificate certificate) {
    try {
      List<String> usages = certificate.getExtendedKeyUsage();
      if (usages != null && usages.contains(KeyPurposeId.id_kp_serverAuth.getId())) {
        return Profile.SERVER;
      }
      if (usages != null && usages.contains(KeyPurposeId.id_kp_clientAuth.getId())) {
        return Profile.CLIENT;
      }
    } catch (java.security.cert.CertificateParsingException e) {
      throw new IllegalArgumentException("unreadable extended key usage", e);
    }
    throw new IllegalArgumentException("not a server or client certificate (no serverAuth or clientAuth EKU)");
  }

  private X509Certificate leaf(Profile profile, X500Principal subject, List<SubjectAltName> names, PublicKey key,
      Instant requestedNotBefore, Duration validity) {
    KeyPolicy.check(key);
    if (profile == Profile.SERVER && names.stream().noneMatch(
        n -> n.type() == SubjectAltName.Type.DNS || n.type() == SubjectAltName.Type.IP)) {
      throw new RequestRefusedException("a server certificate needs at least one DNS or IP subject alternative "
          + "name: clients verify the host name against the SANs, not the CN");
    }
    if (profile == Profile.CLIENT && subject.getEncoded().length <= 2) {
      throw new RequestRefusedException("a client certificate needs a subject: servers map it to roles");
    }
    refuseCaNames(subject, names);
    refuseUnplainUris(names);
    Instant notBefore = requestedNotBefore == null ? clock.instant().minus(CLOCK_SKEW) : requestedNotBefore;
    Instant notAfter = clamp(notBefore.plus(validity == null ? profile.defaultValidity() : validity));
    if (!notAfter.isAfter(notBefore)) {
      throw new RequestRefusedException("the certificate would end before it starts: the issuing CA expires "
          + certificate.getNotAfter().toInstant());
    }
    return build(subject, key, certificate.getSubjectX500Principal(), certificate.getPublicKey(), privateKey,
        notBefore, notAfter, builder -> {
          builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
          int usage = KeyUsage.digitalSignature;
          if (profile == Profile.SERVER && key.getAlgorithm().equals("RSA")) {
            // TLS 1.2 RSA key exchange needs it; our suites are ECDHE only, but other peers may not be.
            usage |= KeyUsage.keyEncipherment;
          }
          builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
          KeyPurposeId purpose = profile == Profile.SERVER ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth;
          builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
          if (!names.isEmpty()) {
            // Critical when the subject is empty, as RFC 5280 4.2.1.6 requires.
            builder.addExtension(Extension.subjectAlternativeName, subject.getEncoded().length <= 2,
                SubjectAltName.encode(names));
          }
        }, locations);
  }

  private Instant clamp(Instant notAfter) {
    Instant issuerEnd = certificate.getNotAfter().toInstant();
    return notAfter.isAfter(issuerEnd) ? issuerEnd : notAfter;
  }

  private List<X509Certificate> withIssuers(X509Certificate leaf) {
    List<X509Certificate> out = new ArrayList<>();
    out.add(leaf);
    // Everything but the root: a peer must already hold the root as a trust anchor.
    out.addAll(chain.subList(0, chain.size() - 1));
    return out;
  }

  @FunctionalInterface
  private interface ExtensionWriter {
    void write(X509v3CertificateBuilder builder) throws CertIOException;
  }

  private static X509Certificate build(X500Principal subject, PublicKey subjectKey, X500Principal issuer,
      PublicKey issuerKey, PrivateKey signingKey, Instant notBefore, Instant notAfter, ExtensionWriter profile,
      Locations locations) {
    try {
      JcaX509ExtensionUtils utils = extensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial(), Date.from(notBefore),
          Date.from(notAfter), subject, subjectKey);
      profile.write(builder);
      builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
      if (!issuerKey.equals(subjectKey)) {
        AuthorityKeyIdentifier aki = utils.createAuthorityKeyIdentifier(issuerKey);
        builder.addExtension(Extension.authorityKeyIdentifier, false, aki);
      }
      if (locations.crlUrl() != null) {
        GeneralNames location = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier,
            locations.crlUrl()));
        DistributionPoint point = new DistributionPoint(new DistributionPointName(location), null, null);
        builder.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {point}));
      }
      if (locations.ocspUrl() != null) {
        builder.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(
            AccessDescription.id_ad_ocsp, new GeneralName(GeneralName.uniformResourceIdentifier, locations.ocspUrl())));
      }
      X509CertificateHolder holder = builder.build(signer(signingKey, issuerKey));
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot build certificate: " + e.getMessage(), e);
    }
  }

  private static ContentSigner signer(PrivateKey key, PublicKey publicKey) {
    try {
      return new JcaContentSignerBuilder(Signing.algorithmFor(publicKey)).build(key);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot sign with " + key.getAlgorithm() + ": " + e.getMessage(), e);
    }
  }

  private static JcaX509ExtensionUtils extensionUtils() {
    try {
      return new JcaX509ExtensionUtils();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-1 for key identifiers is in every JDK", e);
    }
  }

  static BigInteger serial() {
    // 159 random bits with the top one set: always positive, always 20 octets, 158 bits of entropy.
    return new BigInteger(159, RANDOM).setBit(158);
  }

}
