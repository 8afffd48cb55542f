package dev.mtls.pki.material.internal.renewal;

import dev.mtls.pki.material.renewal.RenewalFailure;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.NamedParameterSpec;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A new key of the same kind and size as the current one, and a CSR for it carrying the current certificate's
 * subject and subject alternative names exactly (RFC 7030 4.2.2: a re-enrolment keeps the name).
 */
public record RenewalRequest(KeyPair keyPair, PKCS10CertificationRequest csr) {

  public static RenewalRequest like(X509Certificate current) throws EnrolmentException {
    KeyPair keyPair = newKeyLike(current.getPublicKey());
    try {
      JcaPKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(
          X500Name.getInstance(current.getSubjectX500Principal().getEncoded()), keyPair.getPublic());
      byte[] sans = current.getExtensionValue(Extension.subjectAlternativeName.getId());
      if (sans != null) {
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        boolean critical = current.getCriticalExtensionOIDs() != null
            && current.getCriticalExtensionOIDs().contains(Extension.subjectAlternativeName.getId());
        extensions.addExtension(Extension.subjectAlternativeName, critical,
            ASN1OctetString.getInstance(sans).getOctets());
        builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
      }
      return new RenewalRequest(keyPair,
          builder.build(new JcaContentSignerBuilder(signatureAlgorithm(keyPair.getPublic())).build(
              keyPair.getPrivate())));
    } catch (OperatorCreationException | IllegalArgumentException e) {
      throw new EnrolmentException(RenewalFailure.CURRENT_UNUSABLE,
          "cannot make a certificate request like the current certificate: " + e.getMessage(), e);
    }
  }

  private static KeyPair newKeyLike(PublicKey current) throws EnrolmentException {
    try {
      KeyPairGenerator generator;
      if (current instanceof RSAPublicKey rsa) {
        generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(rsa.getModulus().bitLength());
      } else if (current instanceof ECPublicKey ec) {
        generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(ec.getParams());
      } else if (current instanceof EdECPublicKey edec) {
        String curve = edec.getParams().getName();
        generator = KeyPairGenerator.getInstance(curve);
        generator.initialize(new NamedParameterSpec(curve));
      } else {
        throw new EnrolmentException(RenewalFailure.CURRENT_UNUSABLE, "cannot make a new " + current.getAlgorithm()
            + " key like the current one: renewal supports RSA, EC and EdDSA keys");
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new EnrolmentException(RenewalFailure.CURRENT_UNUSABLE, "cannot make a new " + current.getAlgorithm()
          + " key like the current one: " + e.getMessage(), e);
    }
  }

  private static String signatureAlgorithm(PublicKey key) {
    if (key instanceof RSAPublicKey) {
      return "SHA256withRSA";
    }
    if (key instanceof ECPublicKey ec) {
      return ec.getParams().getOrder().bitLength() > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
    }
    return ((EdECPublicKey) key).getParams().getName();
  }
}
