package dev.mtls.pki.internal.x509;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import javax.security.auth.x500.X500Principal;

/** Who signs a certificate or CRL: the name it is issued under and the key pair that signs. */
public record Issuer(X500Principal name, PublicKey publicKey, PrivateKey privateKey) {
  /** A CA certificate and its private key. */
  public static Issuer of(X509Certificate certificate, PrivateKey privateKey) {
    return new Issuer(certificate.getSubjectX500Principal(), certificate.getPublicKey(), privateKey);
  }

  /** A root signing its own certificate. */
  public static Issuer self(X500Principal name, KeyPair keyPair) {
    return new Issuer(name, keyPair.getPublic(), keyPair.getPrivate());
  }
}
