package dev.mtls.pki.material;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;

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
      if (key instanceof RSAPrivateCrtKey rsa) {
        return KeyFactory.getInstance("RSA").generatePublic(
            new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
      }
      if (key instanceof ECPrivateKey ec) {
        var q = EC5Util.convertSpec(ec.getParams()).getG().multiply(ec.getS()).normalize();
        ECPoint w = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, ec.getParams()));
      }
      if (key.getAlgorithm().equals("Ed25519") || key.getAlgorithm().equals("EdDSA")) {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        byte[] seed = ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
        byte[] publicKey = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
        SubjectPublicKeyInfo spki = new SubjectPublicKeyInfo(
            new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), publicKey);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki.getEncoded()));
      }
    } catch (GeneralSecurityException | IOException e) {
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
