package dev.mtls.pki.internal.x509;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;

/** Signs v2 CRLs with BouncyCastle: CRL number, authority key identifier, one entry with its reason per serial. */
public final class CrlSigner {
  /** One revoked serial; {@code reasonCode} is the RFC 5280 CRLReason. */
  public record Entry(BigInteger serial, Instant revokedAt, int reasonCode) {}

  private CrlSigner() {}

  /** A CRL of {@code ca}, signed with its {@code key}, listing {@code entries}. */
  public static X509CRL sign(X509Certificate ca, PrivateKey key, List<Entry> entries, BigInteger number,
      Instant thisUpdate, Instant nextUpdate) {
    try {
      // The name from its encoding: through a string BouncyCastle may reverse the RDN order.
      X509v2CRLBuilder builder = new X509v2CRLBuilder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
          Date.from(thisUpdate));
      builder.setNextUpdate(Date.from(nextUpdate));
      for (Entry entry : entries) {
        builder.addCRLEntry(entry.serial(), Date.from(entry.revokedAt()), entry.reasonCode());
      }
      builder.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
      builder.addExtension(Extension.authorityKeyIdentifier, false,
          CertificateSigner.extensionUtils().createAuthorityKeyIdentifier(ca));
      return new JcaX509CRLConverter().getCRL(builder.build(Signatures.signer(key, ca.getPublicKey())));
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot sign CRL: " + e.getMessage(), e);
    }
  }
}
