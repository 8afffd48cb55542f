package dev.mtls.pki;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/** Which public keys the CA will certify: RSA of 2048 bits or more, EC on P-256/P-384/P-521, Ed25519. */
final class KeyPolicy {
  static final int MIN_RSA_BITS = 2048;
  private static final Set<ASN1ObjectIdentifier> CURVES = Set.of(
      X9ObjectIdentifiers.prime256v1, SECObjectIdentifiers.secp384r1, SECObjectIdentifiers.secp521r1);

  private KeyPolicy() {}

  static void check(PublicKey key) {
    if (key instanceof RSAPublicKey rsa) {
      int bits = rsa.getModulus().bitLength();
      if (bits < MIN_RSA_BITS) {
        throw new RequestRefusedException("RSA key of " + bits + " bits is too weak: at least " + MIN_RSA_BITS
            + " bits are required; make a new key (e.g. EC P-256)");
      }
      return;
    }
    if (key instanceof ECPublicKey) {
      SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(key.getEncoded());
      Object parameters = info.getAlgorithm().getParameters();
      if (!(parameters instanceof ASN1ObjectIdentifier curve) || !CURVES.contains(curve)) {
        throw new RequestRefusedException("EC key on curve " + parameters
            + " is not allowed: use P-256, P-384 or P-521");
      }
      return;
    }
    if (key.getAlgorithm().equals("Ed25519") || key.getAlgorithm().equals("EdDSA")) {
      return;
    }
    throw new RequestRefusedException("key algorithm " + key.getAlgorithm() + " is not allowed: use EC, RSA or Ed25519");
  }
}
