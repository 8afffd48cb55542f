package dev.mtls.pki.material;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * SHA-256 fingerprints, written as {@code openssl x509 -fingerprint -sha256} writes them: of a whole certificate,
 * or of its public key (its SubjectPublicKeyInfo, as key pins use), which stays the same when a CA is reissued with
 * the same key and differs between two CAs that only share a name.
 */
public final class Fingerprint {
  private Fingerprint() {}

  /** Upper-case hex pairs separated by colons, e.g. {@code 3A:F1:…}. */
  public static String sha256(X509Certificate certificate) {
    try {
      return hex(certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("certificate cannot be encoded", e);
    }
  }

  /** Of the certificate's public key (DER SubjectPublicKeyInfo), in the same notation. */
  public static String publicKeySha256(X509Certificate certificate) {
    return sha256Of(certificate.getPublicKey());
  }

  /** Of a public key (DER SubjectPublicKeyInfo), in the same notation. */
  public static String sha256Of(PublicKey key) {
    return hex(key.getEncoded());
  }

  /**
   * A SHA-256 fingerprint as people copy it, from {@code openssl ... -fingerprint} (colons) or {@code sha256sum}
   * (bare hex), in either case, written in this notation; an {@link IllegalArgumentException} says what is expected
   * otherwise.
   */
  public static String parse(String text) {
    String hex = text.strip().replace(":", "").toUpperCase(Locale.ROOT);
    if (!hex.matches("[0-9A-F]{64}")) {
      throw new IllegalArgumentException("'" + SafeText.escape(text) + "' is not a SHA-256 fingerprint (64 hex"
          + " digits, colons allowed)");
    }
    return HexFormat.ofDelimiter(":").formatHex(HexFormat.of().parseHex(hex)).toUpperCase(Locale.ROOT);
  }

  private static String hex(byte[] encoded) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(encoded);
      return HexFormat.ofDelimiter(":").formatHex(digest).toUpperCase(Locale.ROOT);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }
}
