package dev.mtls.pki.material.internal.revocation;

import java.math.BigInteger;
import java.net.URI;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.bouncycastle.cert.ocsp.CertificateID;

/**
 * What an OCSP answer is about and who gave it: the responder and the whole CertID of RFC 6960 (hash algorithm,
 * issuer name hash, issuer key hash, serial), compared by content. Fetched answers and fetches in flight are kept
 * under it, so an answer about one CA's certificate never stands for another's with the same serial.
 */
record OcspKey(URI responder, String hashAlgorithm, byte[] issuerNameHash, byte[] issuerKeyHash, BigInteger serial) {
  OcspKey {
    Objects.requireNonNull(responder, "responder == null");
    Objects.requireNonNull(hashAlgorithm, "hashAlgorithm == null");
    issuerNameHash = issuerNameHash.clone();
    issuerKeyHash = issuerKeyHash.clone();
    Objects.requireNonNull(serial, "serial == null");
  }

  static OcspKey of(URI responder, CertificateID id) {
    return new OcspKey(responder, id.getHashAlgOID().getId(), id.getIssuerNameHash(), id.getIssuerKeyHash(),
        id.getSerialNumber());
  }

  @Override
  public byte[] issuerNameHash() {
    return issuerNameHash.clone();
  }

  @Override
  public byte[] issuerKeyHash() {
    return issuerKeyHash.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof OcspKey key && responder.equals(key.responder) && hashAlgorithm.equals(key.hashAlgorithm)
        && Arrays.equals(issuerNameHash, key.issuerNameHash) && Arrays.equals(issuerKeyHash, key.issuerKeyHash)
        && serial.equals(key.serial);
  }

  @Override
  public int hashCode() {
    return Objects.hash(responder, hashAlgorithm, Arrays.hashCode(issuerNameHash), Arrays.hashCode(issuerKeyHash),
        serial);
  }

  @Override
  public String toString() {
    HexFormat hex = HexFormat.of();
    return "OcspKey[" + responder + ", " + hashAlgorithm + ", name " + hex.formatHex(issuerNameHash) + ", key "
        + hex.formatHex(issuerKeyHash) + ", serial " + serial.toString(16) + "]";
  }
}
