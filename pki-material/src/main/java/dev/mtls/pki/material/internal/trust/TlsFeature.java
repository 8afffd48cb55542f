package dev.mtls.pki.material.internal.trust;

import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;

/**
 * The TLS Feature extension of a certificate (RFC 7633): the TLS extensions a server presenting it must use. With
 * status_request (5) or status_request_v2 (17) in it, the certificate is "must-staple": a handshake without a
 * stapled OCSP response for it is refused, whatever the client's own settings.
 */
final class TlsFeature {
  static final String OID = "1.3.6.1.5.5.7.1.24";
  private static final int STATUS_REQUEST = 5;
  private static final int STATUS_REQUEST_V2 = 17;

  private TlsFeature() {}

  /** Whether {@code certificate} asks for a stapled OCSP response; an unreadable extension asks for one too. */
  static boolean requiresStaple(X509Certificate certificate) {
    byte[] extension = certificate.getExtensionValue(OID);
    if (extension == null) {
      return false;
    }
    try {
      for (ASN1Encodable feature : ASN1Sequence.getInstance(ASN1OctetString.getInstance(extension).getOctets())) {
        int value = ASN1Integer.getInstance(feature).intValueExact();
        if (value == STATUS_REQUEST || value == STATUS_REQUEST_V2) {
          return true;
        }
      }
      return false;
    } catch (IllegalArgumentException | ArithmeticException e) {
      // Whoever put it there meant to ask for something: fail closed.
      return true;
    }
  }
}
