package dev.mtls.pki;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.Pem;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A certificate the CA issued, with its chain (leaf, then intermediates; never the root, which the peer
 * must already trust) and, when the CA generated it, the key pair. For a certificate signed from a CSR the
 * private key stays with its owner and {@link #keyPair()} throws.
 */
public final class IssuedCertificate {
  private final List<X509Certificate> chain;
  private final KeyPair keyPair;

  IssuedCertificate(List<X509Certificate> chain, KeyPair keyPair) {
    this.chain = List.copyOf(chain);
    this.keyPair = keyPair;
  }

  public X509Certificate certificate() {
    return chain.get(0);
  }

  public List<X509Certificate> chain() {
    return chain;
  }

  public boolean hasKeyPair() {
    return keyPair != null;
  }

  public KeyPair keyPair() {
    if (keyPair == null) {
      throw new IllegalStateException("issued from a CSR: the private key stays with its owner");
    }
    return keyPair;
  }

  public Identity identity() {
    return Identity.of(keyPair().getPrivate(), chain);
  }

  public String certificatePem() {
    return Pem.encode(certificate());
  }

  public String chainPem() {
    return Pem.encode(chain);
  }

  public String privateKeyPem() {
    return Pem.encode(keyPair().getPrivate());
  }
}
