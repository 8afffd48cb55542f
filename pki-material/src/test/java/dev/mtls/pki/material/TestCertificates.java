package dev.mtls.pki.material;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for pki-material's own tests, built directly with BouncyCastle: this module must not depend
 * on the CA module (pki), which depends on it.
 */
final class TestCertificates {
  private static long serial = System.nanoTime();

  private TestCertificates() {}

  static KeyPair ecKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** A self-signed CA certificate. */
  static X509Certificate selfSignedCa(String subject, KeyPair keyPair) {
    return certificate(subject, keyPair.getPublic(), subject, keyPair.getPrivate(), true, null);
  }

  /** A CA certificate signed by {@code issuer}. */
  static X509Certificate intermediate(String subject, PublicKey key, X509Certificate issuer, PrivateKey issuerKey) {
    return certificate(subject, key, issuer.getSubjectX500Principal().getName(), issuerKey, true, null);
  }

  /** An end-entity certificate with both serverAuth and clientAuth EKUs. */
  static X509Certificate leaf(String subject, PublicKey key, X509Certificate issuer, PrivateKey issuerKey) {
    return certificate(subject, key, issuer.getSubjectX500Principal().getName(), issuerKey, false,
        new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
  }

  static X509CRL emptyCrl(X509Certificate issuer, PrivateKey issuerKey) {
    try {
      X509v2CRLBuilder builder = new X509v2CRLBuilder(x500(issuer.getSubjectX500Principal().getName()),
          new Date());
      builder.setNextUpdate(Date.from(Instant.now().plus(Duration.ofDays(1))));
      return new JcaX509CRLConverter().getCRL(builder.build(signer(issuerKey)));
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  private static X509Certificate certificate(String subject, PublicKey key, String issuer, PrivateKey issuerKey,
      boolean ca, ExtendedKeyUsage eku) {
    try {
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(x500(issuer), nextSerial(),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), x500(subject), key);
      builder.addExtension(Extension.basicConstraints, true, ca ? new BasicConstraints(1) : new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true,
          new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
      if (eku != null) {
        builder.addExtension(Extension.extendedKeyUsage, false, eku);
      }
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer(issuerKey)));
    } catch (GeneralSecurityException | org.bouncycastle.cert.CertIOException e) {
      throw new AssertionError(e);
    }
  }

  private static synchronized BigInteger nextSerial() {
    return BigInteger.valueOf(++serial);
  }

  private static X500Name x500(String rfc2253) {
    return X500Name.getInstance(new X500Principal(rfc2253).getEncoded());
  }

  private static org.bouncycastle.operator.ContentSigner signer(PrivateKey key) {
    try {
      String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      return new JcaContentSignerBuilder(algorithm).build(key);
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new AssertionError(e);
    }
  }
}
