package dev.mtls.testing.pki;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/** Builds one CRL exactly as a test describes it; by default empty, number 1, valid from a minute ago for a day. */
public final class CrlBuilder {
  private record Entry(BigInteger serial, Instant at, int reason) {}

  private final TestCa issuer;
  private final List<Entry> entries = new ArrayList<>();
  private final List<Object[]> extensions = new ArrayList<>();
  private BigInteger number = BigInteger.ONE;
  private Instant thisUpdate = Instant.now().minus(Duration.ofMinutes(1));
  private Instant nextUpdate = Instant.now().plus(Duration.ofDays(1));
  private boolean withNextUpdate = true;
  private PrivateKey signingKey;

  CrlBuilder(TestCa issuer) {
    this.issuer = issuer;
  }

  /** Lists {@code certificate} as revoked for keyCompromise, a minute ago. */
  public CrlBuilder revoke(X509Certificate certificate) {
    return revoke(certificate, CRLReason.keyCompromise);
  }

  /** Lists {@code certificate} with an RFC 5280 reason code ({@link CRLReason#keyCompromise}, …). */
  public CrlBuilder revoke(X509Certificate certificate, int reasonCode) {
    entries.add(new Entry(certificate.getSerialNumber(), Instant.now().minus(Duration.ofMinutes(1)), reasonCode));
    return this;
  }

  public CrlBuilder number(long number) {
    this.number = BigInteger.valueOf(number);
    return this;
  }

  public CrlBuilder thisUpdate(Instant thisUpdate) {
    this.thisUpdate = thisUpdate;
    return this;
  }

  public CrlBuilder nextUpdate(Instant nextUpdate) {
    this.nextUpdate = nextUpdate;
    return this;
  }

  /** No nextUpdate field (RFC 5280 requires one). */
  public CrlBuilder withoutNextUpdate() {
    this.withNextUpdate = false;
    return this;
  }

  /** An extra CRL extension, e.g. an unknown critical one. */
  public CrlBuilder extension(String oid, boolean critical, ASN1Encodable value) {
    extensions.add(new Object[] {new ASN1ObjectIdentifier(oid), critical, value});
    return this;
  }

  /** Makes this a delta CRL on top of the complete CRL {@code baseNumber}. */
  public CrlBuilder delta(long baseNumber) {
    extensions.add(new Object[] {Extension.deltaCRLIndicator, true, new CRLNumber(BigInteger.valueOf(baseNumber))});
    return this;
  }

  /** Signs with another key than the CA's (a CRL "from" the CA that the CA did not sign). */
  public CrlBuilder signedBy(PrivateKey key) {
    this.signingKey = key;
    return this;
  }

  public X509CRL build() {
    try {
      X509v2CRLBuilder builder = new X509v2CRLBuilder(X500Name.getInstance(issuer.subject().getEncoded()),
          Date.from(thisUpdate));
      if (withNextUpdate) {
        builder.setNextUpdate(Date.from(nextUpdate));
      }
      for (Entry entry : entries) {
        builder.addCRLEntry(entry.serial(), Date.from(entry.at()), entry.reason());
      }
      builder.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
      builder.addExtension(Extension.authorityKeyIdentifier, false,
          new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer.keyPair().getPublic()));
      for (Object[] extension : extensions) {
        builder.addExtension((ASN1ObjectIdentifier) extension[0], (Boolean) extension[1], (ASN1Encodable) extension[2]);
      }
      PrivateKey key = signingKey != null ? signingKey : issuer.privateKey();
      return new JcaX509CRLConverter().getCRL(builder.build(
          CertificateBuilder.signer(CertificateBuilder.defaultSignature(key), key)));
    } catch (Exception e) {
      throw new IllegalStateException("cannot build the test CRL: " + e.getMessage(), e);
    }
  }
}
