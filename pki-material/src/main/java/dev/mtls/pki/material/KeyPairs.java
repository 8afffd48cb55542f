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
