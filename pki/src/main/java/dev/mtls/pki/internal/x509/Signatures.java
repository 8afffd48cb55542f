package dev.mtls.pki.internal.x509;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** The signature algorithm that goes with a key: SHA-256 or stronger, never SHA-1. */
public final class Signatures {
  private Signatures() {}

  public static String algorithmFor(PublicKey key) {
    return switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> ((ECPublicKey) key).getParams().getCurve().getField().getFieldSize() > 256
          ? "SHA384withECDSA" : "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> throw new IllegalArgumentException("unsupported signing key: " + key.getAlgorithm());
    };
  }

  /** Signs with {@code key}, whose public half is {@code publicKey}, by {@link #algorithmFor} that public key. */
  public static ContentSigner signer(PrivateKey key, PublicKey publicKey) {
    try {
      return new JcaContentSignerBuilder(algorithmFor(publicKey)).build(key);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot sign with " + key.getAlgorithm() + ": " + e.getMessage(), e);
    }
  }
}
