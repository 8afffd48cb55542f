package dev.mtls.testing.pki;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/** PEM text of test material, as {@code openssl} writes it: certificates, PKCS#8 keys, CRLs. */
public final class Pems {
  private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

  private Pems() {}

  public static String of(X509Certificate certificate) {
    try {
      return block("CERTIFICATE", certificate.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encode " + certificate.getSubjectX500Principal(), e);
    }
  }

  /** Several certificates, one block each, in order (a chain, a bundle of anchors). */
  public static String of(List<X509Certificate> certificates) {
    StringBuilder pem = new StringBuilder();
    certificates.forEach(certificate -> pem.append(of(certificate)));
    return pem.toString();
  }

  /** An unencrypted PKCS#8 key. */
  public static String of(PrivateKey key) {
    return block("PRIVATE KEY", key.getEncoded());
  }

  public static String of(X509CRL crl) {
    try {
      return block("X509 CRL", crl.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encode a CRL of " + crl.getIssuerX500Principal(), e);
    }
  }

  /** Several CRLs in one file, as {@code pki crl} writes the issuing CA's and the root's. */
  public static String ofCrls(List<X509CRL> crls) {
    StringBuilder pem = new StringBuilder();
    crls.forEach(crl -> pem.append(of(crl)));
    return pem.toString();
  }

  private static String block(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + BASE64.encodeToString(der) + "\n-----END " + type + "-----\n";
  }
}
