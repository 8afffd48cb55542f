package dev.mtls.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The key types this toolkit makes. RSA below 2048 bits is deliberately absent. */
public enum KeyAlgorithm {
  EC_P256("ec-p256"),
  EC_P384("ec-p384"),
  RSA_2048("rsa-2048"),
  RSA_3072("rsa-3072"),
  RSA_4096("rsa-4096"),
  ED25519("ed25519");

  private final String cliName;

  KeyAlgorithm(String cliName) {
    this.cliName = cliName;
  }

  public KeyPair generate() {
    try {
      KeyPairGenerator generator;
      switch (this) {
        case EC_P256, EC_P384 -> {
          generator = KeyPairGenerator.getInstance("EC");
          generator.initialize(new ECGenParameterSpec(this == EC_P256 ? "secp256r1" : "secp384r1"));
        }
        case RSA_2048, RSA_3072, RSA_4096 -> {
          generator = KeyPairGenerator.getInstance("RSA");
          generator.initialize(Integer.parseInt(cliName.substring(4)));
        }
        case ED25519 -> generator = KeyPairGenerator.getInstance("Ed25519");
        default -> throw new AssertionError(this);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError("every Java 17 runtime supports " + this, e);
    }
  }

  /** The name used on the command line, e.g. {@code ec-p256}. */
  public String cliName() {
    return cliName;
  }

  public static KeyAlgorithm fromCliName(String name) {
    for (KeyAlgorithm algorithm : values()) {
      if (algorithm.cliName.equals(name.toLowerCase(Locale.ROOT))) {
        return algorithm;
      }
    }
    throw new IllegalArgumentException("unknown key type '" + name + "'; expected one of " + names());
  }

  public static String names() {
    return Arrays.stream(values()).map(KeyAlgorithm::cliName).collect(Collectors.joining(", "));
  }
}
