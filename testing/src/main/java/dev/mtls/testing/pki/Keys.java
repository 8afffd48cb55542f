package dev.mtls.testing.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** Fresh key pairs of every kind the tests need, including kinds a CA must refuse. */
public final class Keys {
  /** BouncyCastle, for curves the JDK no longer has (secp256k1); never installed globally. */
  static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

  private Keys() {}

  /** EC on P-256: the project's default. */
  public static KeyPair ec() {
    return ec("secp256r1");
  }

  /** EC on a named curve; curves the JDK does not offer (secp256k1, secp224r1) come from BouncyCastle. */
  public static KeyPair ec(String curve) {
    try {
      KeyPairGenerator generator;
      try {
        generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
      } catch (GeneralSecurityException jdkLacksCurve) {
        generator = KeyPairGenerator.getInstance("EC", BOUNCY_CASTLE);
        generator.initialize(new ECGenParameterSpec(curve));
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an EC key on " + curve, e);
    }
  }

  public static KeyPair rsa(int bits) {
    return generate("RSA", bits);
  }

  /** DSA 2048 (the JDK has precomputed parameters, so this is quick). */
  public static KeyPair dsa() {
    return generate("DSA", 2048);
  }

  public static KeyPair ed25519() {
    return generate("Ed25519", 0);
  }

  private static KeyPair generate(String algorithm, int size) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (size > 0) {
        generator.initialize(size);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a " + algorithm + " key", e);
    }
  }
}
