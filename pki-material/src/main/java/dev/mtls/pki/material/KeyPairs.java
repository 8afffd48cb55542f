package dev.mtls.pki.material;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;

/** Whether a private key belongs to a public key, proven the way TLS proves it: sign, then verify. */
public final class KeyPairs {
  private KeyPairs() {}

  public static boolean matches(PublicKey publicKey, PrivateKey privateKey) {
    if (!sameFamily(publicKey.getAlgorithm(), privateKey.getAlgorithm())) {
      return false;
    }
    byte[] challenge = new byte[32];
    new SecureRandom().nextBytes(challenge);
    try {
      String algorithm = signatureAlgorithm(publicKey.getAlgorithm());
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Derives the public key of {@code key} (RSA CRT, EC or Ed25519), e.g. to make a CSR from a key file. */
  public static PublicKey publicKeyOf(PrivateKey key) {
    try {
      if (key instanceof java.security.interfaces.RSAPrivateCrtKey rsa) {
        return java.security.KeyFactory.getInstance("RSA").generatePublic(
            new java.security.spec.RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
      }
      if (key instanceof java.security.interfaces.ECPrivateKey ec) {
        org.bouncycastle.math.ec.ECPoint q = org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util
            .convertSpec(ec.getParams()).getG().multiply(ec.getS()).normalize();
        java.security.spec.ECPoint w = new java.security.spec.ECPoint(
            q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
        return java.security.KeyFactory.getInstance("EC").generatePublic(
            new java.security.spec.ECPublicKeySpec(w, ec.getParams()));
      }
      if (key.getAlgorithm().equals("Ed25519") || key.getAlgorithm().equals("EdDSA")) {
        org.bouncycastle.asn1.pkcs.PrivateKeyInfo info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(key.getEncoded());
        byte[] seed = org.bouncycastle.asn1.ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
        byte[] publicKey = new org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters(seed, 0)
            .generatePublicKey().getEncoded();
        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo spki = new org.bouncycastle.asn1.x509.SubjectPublicKeyInfo(
            new org.bouncycastle.asn1.x509.AlgorithmIdentifier(org.bouncycastle.asn1.edec.EdECObjectIdentifiers.id_Ed25519),
            publicKey);
        return java.security.KeyFactory.getInstance("Ed25519").generatePublic(
            new java.security.spec.X509EncodedKeySpec(spki.getEncoded()));
      }
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new KeyMaterialException("cannot derive the public key: " + e.getMessage(), e);
    }
    throw new KeyMaterialException("cannot derive the public key of a " + key.getAlgorithm() + " key");
  }

  private static boolean sameFamily(String a, String b) {
    return normalize(a).equals(normalize(b));
  }

  private static String normalize(String algorithm) {
    return switch (algorithm) {
      case "ECDSA" -> "EC";
      case "EdDSA", "Ed25519" -> "Ed25519";
      default -> algorithm;
    };
  }

  static String signatureAlgorithm(String keyAlgorithm) {
    return switch (normalize(keyAlgorithm)) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519" -> "Ed25519";
      default -> throw new IllegalArgumentException("unsupported key algorithm: " + keyAlgorithm);
    };
  }
}
