package dev.mtls.pki;

import dev.mtls.pki.internal.x509.CertificateProfiles;
import dev.mtls.pki.internal.x509.CertificateSigner;
import dev.mtls.pki.internal.x509.CrlSigner;
import dev.mtls.pki.internal.x509.Issuer;
import dev.mtls.pki.internal.x509.PublicationUrls;
import dev.mtls.pki.material.KeyPairs;
import dev.mtls.pki.material.SubjectAltName;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.x500.X500Principal;

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
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final List<X509Certificate> chain;
  private final Clock clock;
  private final PublicationUrls urls;

  private CertificateAuthority(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chain,
      Clock clock, PublicationUrls urls) {
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.chain = List.copyOf(chain);
    this.clock = clock;
    this.urls = urls;
  }

  /** A self-signed root: basicConstraints CA (pathLen 1) and keyCertSign + cRLSign, both critical. */
  public static CertificateAuthority createRoot(X500Principal subject, KeyAlgorithm algorithm, Duration validity,
      Clock clock) {
    KeyPair keyPair = algorithm.generate();
    Instant notBefore = clock.instant().minus(CLOCK_SKEW);
    X509Certificate root = CertificateSigner.sign(Issuer.self(subject, keyPair), subject, keyPair.getPublic(),
        notBefore, notBefore.plus(validity), CertificateProfiles.ca(1), PublicationUrls.NONE);
    return new CertificateAuthority(root, keyPair.getPrivate(), List.of(root), clock, PublicationUrls.NONE);
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
    return new CertificateAuthority(certificate, privateKey, chain, clock, PublicationUrls.NONE);
  }

  /** An intermediate CA signed by this one: pathLen 0, so it can issue leaves but no further CAs. */
  public CertificateAuthority createIntermediate(X500Principal subject, KeyAlgorithm algorithm, Duration validity) {
    if (certificate.getBasicConstraints() < 1) {
      throw new IllegalStateException("this CA has pathLen 0 and cannot create another CA");
    }
    KeyPair keyPair = algorithm.generate();
    Instant notBefore = clock.instant().minus(CLOCK_SKEW);
    X509Certificate intermediate = CertificateSigner.sign(issuer(), subject, keyPair.getPublic(), notBefore,
        clamp(notBefore.plus(validity)), CertificateProfiles.ca(0), urls);
    List<X509Certificate> newChain = new ArrayList<>();
    newChain.add(intermediate);
    newChain.addAll(chain);
    return new CertificateAuthority(intermediate, keyPair.getPrivate(), newChain, clock, PublicationUrls.NONE);
  }

  public CertificateAuthority createIntermediate(String distinguishedName) {
    return createIntermediate(new X500Principal(distinguishedName), KeyAlgorithm.EC_P256, INTERMEDIATE_VALIDITY);
  }

  /** This CA, issuing certificates that name {@code url} as their CRL distribution point. */
  public CertificateAuthority withCrlDistributionPoint(String url) {
    SubjectAltName.uri(url);
    return new CertificateAuthority(certificate, privateKey, chain, clock, urls.withCrlUrl(url));
  }

  /**
   * This CA, issuing certificates whose Authority Information Access names {@code url} as the OCSP responder
   * (RFC 6960: {@code id-ad-ocsp}), where relying parties ask for their status.
   */
  public CertificateAuthority withOcspResponder(String url) {
    SubjectAltName.uri(url);
    return new CertificateAuthority(certificate, privateKey, chain, clock, urls.withOcspUrl(url));
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
    LeafRules.refuseCaNames(subject, List.of(), chain);
    Instant notBefore = clock.instant().minus(CLOCK_SKEW);
    X509Certificate signer = CertificateSigner.sign(issuer(), subject, keyPair.getPublic(), notBefore,
        clamp(notBefore.plus(validity)), CertificateProfiles.ocspSigner(), PublicationUrls.NONE);
    return new IssuedCertificate(withIssuers(signer), keyPair);
  }

  /** Generates a key pair and issues a certificate for it. */
  public IssuedCertificate issue(CertificateSpec spec) {
    KeyPair keyPair = spec.keyAlgorithm().generate();
    LeafRules.refuseWildcardClientNames(spec.profile(), spec.subjectAltNames(), false);
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
    LeafRules.checkWellFormed(csr.subjectAltNames());
    policy.check(csr.subject(), csr.subjectAltNames());
    LeafRules.refuseWildcardClientNames(profile, csr.subjectAltNames(), policy.allowsWildcardClientNames());
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
    List<CrlSigner.Entry> entries = revoked.stream()
        .map(r -> new CrlSigner.Entry(r.serial(), r.revokedAt(), r.reason().code()))
        .toList();
    return CrlSigner.sign(certificate, privateKey, entries, crlNumber, thisUpdate, nextUpdate);
  }

  static Profile profileOf(X509Certificate certificate) {
    try {
      List<String> usages = certificate.getExtendedKeyUsage();
      if (usages != null && usages.contains(CertificateProfiles.SERVER_AUTH)) {
        return Profile.SERVER;
      }
      if (usages != null && usages.contains(CertificateProfiles.CLIENT_AUTH)) {
        return Profile.CLIENT;
      }
    } catch (CertificateParsingException e) {
      throw new IllegalArgumentException("unreadable extended key usage", e);
    }
    throw new IllegalArgumentException("not a server or client certificate (no serverAuth or clientAuth EKU)");
  }

  private X509Certificate leaf(Profile profile, X500Principal subject, List<SubjectAltName> names, PublicKey key,
      Instant requestedNotBefore, Duration validity) {
    KeyPolicy.check(key);
    LeafRules.check(profile, subject, names, chain);
    Duration lifetime = validity == null ? profile.defaultValidity() : validity;
    Instant notBefore = requestedNotBefore == null ? clock.instant().minus(backdating(lifetime)) : requestedNotBefore;
    Instant notAfter = clamp(notBefore.plus(lifetime));
    if (!notAfter.isAfter(notBefore)) {
      throw new RequestRefusedException("the certificate would end before it starts: the issuing CA expires "
          + certificate.getNotAfter().toInstant());
    }
    return CertificateSigner.sign(issuer(), subject, key, notBefore, notAfter,
        CertificateProfiles.leaf(profile == Profile.SERVER, subject, key, names), urls);
  }

  /**
   * How far a leaf's validity starts in the past: {@link #CLOCK_SKEW}, or a tenth of the lifetime when that is less,
   * so that a short-lived certificate (minutes, or seconds in tests) is not mostly spent before it is issued.
   */
  private static Duration backdating(Duration lifetime) {
    Duration tenth = lifetime.dividedBy(10);
    return tenth.compareTo(CLOCK_SKEW) < 0 ? tenth : CLOCK_SKEW;
  }

  private Issuer issuer() {
    return Issuer.of(certificate, privateKey);
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
}
