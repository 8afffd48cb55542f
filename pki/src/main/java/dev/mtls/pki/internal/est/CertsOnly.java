package dev.mtls.pki.internal.est;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;

/**
 * A "certs-only" CMS SignedData (RFC 5751 section 3.8, a degenerate PKCS#7 with no signers), base64-encoded as EST
 * sends it (RFC 7030 section 4.1.3, 4.2.3): what {@code openssl pkcs7 -print_certs} and every EST client read.
 */
final class CertsOnly {
  private CertsOnly() {}

  static byte[] base64(List<X509Certificate> certificates) {
    try {
      CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
      generator.addCertificates(new JcaCertStore(certificates));
      byte[] der = generator.generate(new CMSProcessableByteArray(new byte[0]), false).getEncoded();
      return Base64.getMimeEncoder().encodeToString(der).concat("\r\n").getBytes(StandardCharsets.US_ASCII);
    } catch (CertificateEncodingException | CMSException e) {
      throw new IllegalStateException("cannot encode certificates the CA holds: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
