package dev.mtls.pki.internal.x509;

import dev.mtls.pki.material.SubjectAltName;
import java.security.PublicKey;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/** The extensions of each kind of certificate the CA makes; nothing in a request adds to them. */
public final class CertificateProfiles {
  /** The extended key usage of TLS servers, as {@link java.security.cert.X509Certificate#getExtendedKeyUsage}. */
  public static final String SERVER_AUTH = KeyPurposeId.id_kp_serverAuth.getId();
  /** The extended key usage of TLS clients. */
  public static final String CLIENT_AUTH = KeyPurposeId.id_kp_clientAuth.getId();

  private CertificateProfiles() {}

  /** A CA that may have {@code pathLen} CAs below it: basicConstraints and keyCertSign + cRLSign, both critical. */
  public static CertificateSigner.ExtensionWriter ca(int pathLen) {
    return builder -> {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(pathLen));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    };
  }

  /**
   * A delegated OCSP responder (RFC 6960 4.2.2.2): EKU id-kp-OCSPSigning only, key usage digitalSignature, and
   * id-pkix-ocsp-nocheck, so relying parties do not ask about the responder itself.
   */
  public static CertificateSigner.ExtensionWriter ocspSigner() {
    return builder -> {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning));
      builder.addExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, DERNull.INSTANCE);
    };
  }

  /**
   * A TLS leaf: not a CA, key usage digitalSignature (and keyEncipherment for an RSA server key), the one extended key
   * usage of its side, and its subject alternative names.
   */
  public static CertificateSigner.ExtensionWriter leaf(boolean server, X500Principal subject, PublicKey key,
      List<SubjectAltName> names) {
    return builder -> {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      int usage = KeyUsage.digitalSignature;
      if (server && key.getAlgorithm().equals("RSA")) {
        // TLS 1.2 RSA key exchange needs it; our suites are ECDHE only, but other peers may not be.
        usage |= KeyUsage.keyEncipherment;
      }
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
      builder.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
      if (!names.isEmpty()) {
        // Critical when the subject is empty, as RFC 5280 4.2.1.6 requires.
        builder.addExtension(Extension.subjectAlternativeName, subject.getEncoded().length <= 2,
            SubjectAltName.encode(names));
      }
    };
  }
}
