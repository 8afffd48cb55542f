package dev.mtls.pki.internal.est;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What the EST handler asks of the CA, in the bytes EST carries: each answer is a certificate chain (leaf first),
 * or an {@link EstHttpRefusal}.
 */
public interface EstOperations {
  /** The CA certificates a client should trust: the issuing CA, then the root. */
  List<X509Certificate> caCertificates();

  /** simpleenroll: {@code request} (DER PKCS#10) for the token {@code user} / {@code password} (either may be null). */
  List<X509Certificate> enroll(byte[] request, String user, char[] password);

  /** simplereenroll: {@code request} (DER PKCS#10) by the holder of {@code presented} (the TLS client chain). */
  List<X509Certificate> reenroll(byte[] request, List<X509Certificate> presented);
}
