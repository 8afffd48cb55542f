package dev.mtls.pki.internal.x509;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

/**
 * Assembles and signs X.509 v3 certificates with BouncyCastle: the extensions of a {@link CertificateProfiles
 * profile}, then those every certificate gets (subject and authority key identifiers, where its status is
 * published), under a fresh random serial.
 */
public final class CertificateSigner {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Adds the extensions a profile dictates. */
  @FunctionalInterface
  public interface ExtensionWriter {
    void write(X509v3CertificateBuilder builder) throws CertIOException;
  }

  private CertificateSigner() {}

  /** A certificate for {@code subject}'s {@code subjectKey}, valid from {@code notBefore} to {@code notAfter}. */
  public static X509Certificate sign(Issuer issuer, X500Principal subject, PublicKey subjectKey, Instant notBefore,
      Instant notAfter, ExtensionWriter profile, PublicationUrls urls) {
    try {
      JcaX509ExtensionUtils utils = extensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer.name(), serial(),
          Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
      profile.write(builder);
      builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
      if (!issuer.publicKey().equals(subjectKey)) {
        builder.addExtension(Extension.authorityKeyIdentifier, false,
            utils.createAuthorityKeyIdentifier(issuer.publicKey()));
      }
      if (urls.crlUrl() != null) {
        GeneralNames location = new GeneralNames(uri(urls.crlUrl()));
        DistributionPoint point = new DistributionPoint(new DistributionPointName(location), null, null);
        builder.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {point}));
      }
      if (urls.ocspUrl() != null) {
        builder.addExtension(Extension.authorityInfoAccess, false,
            new AuthorityInformationAccess(AccessDescription.id_ad_ocsp, uri(urls.ocspUrl())));
      }
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(Signatures.signer(issuer.privateKey(), issuer.publicKey())));
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot build certificate: " + e.getMessage(), e);
    }
  }

  static JcaX509ExtensionUtils extensionUtils() {
    try {
      return new JcaX509ExtensionUtils();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-1 for key identifiers is in every JDK", e);
    }
  }

  private static GeneralName uri(String url) {
    return new GeneralName(GeneralName.uniformResourceIdentifier, url);
  }

  private static BigInteger serial() {
    // 159 random bits with the top one set: always positive, always 20 octets, 158 bits of entropy.
    return new BigInteger(159, RANDOM).setBit(158);
  }
}
