package dev.mtls.pki;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;

/** The signature algorithm that goes with a key: SHA-256 or stronger, never SHA-1. */
final class Signing {
  private Signing() {}

  static String algorithmFor(PublicKey key) {
    return switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> ((ECPublicKey) key).getParams().getCurve().getField().getFieldSize() > 256
          ? "SHA384withECDSA" : "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> throw new IllegalArgumentException("unsupported signing key: " + key.getAlgorithm());
    };
  }
}
