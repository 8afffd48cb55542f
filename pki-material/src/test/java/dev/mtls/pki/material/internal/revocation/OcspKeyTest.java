package dev.mtls.pki.material.internal.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.CertID;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.junit.jupiter.api.Test;

/** An OCSP answer is cached under the whole CertID: no two certificates of different CAs share an entry. */
class OcspKeyTest {
  private static final URI RESPONDER = URI.create("http://ocsp.example/");
  private static final BigInteger SERIAL = new BigInteger("6fc9a1", 16);

  private static byte[] random32() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  private static CertificateID id(byte[] nameHash, byte[] keyHash) {
    return new CertificateID(new CertID(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256),
        new DEROctetString(nameHash), new DEROctetString(keyHash), new ASN1Integer(SERIAL)));
  }

  @Test
  void certids_differing_only_in_the_issuer_name_hash_do_not_share_a_cache_entry() {
    byte[] keyHash = random32();

    Object one = OcspExchange.cacheKey(RESPONDER, id(random32(), keyHash));
    Object other = OcspExchange.cacheKey(RESPONDER, id(random32(), keyHash));

    assertThat(one).isNotEqualTo(other);
  }

  @Test
  void certids_whose_key_hashes_differ_beyond_32_bits_do_not_share_a_cache_entry() {
    byte[] nameHash = random32();
    byte[] keyHash = random32();
    keyHash[0] = 0;
    keyHash[1] = 0;
    byte[] colliding = keyHash.clone();
    // Arrays.hashCode is a polynomial in 31: +1 at one place and -31 at the next leave it unchanged.
    colliding[0] = 1;
    colliding[1] = -31;
    assertThat(Arrays.hashCode(colliding)).isEqualTo(Arrays.hashCode(keyHash));

    Object one = OcspExchange.cacheKey(RESPONDER, id(nameHash, keyHash));
    Object other = OcspExchange.cacheKey(RESPONDER, id(nameHash, colliding));

    assertThat(one).isNotEqualTo(other);
  }

  @Test
  void the_same_certid_from_the_same_responder_is_the_same_key_whatever_the_array_instances() {
    byte[] nameHash = random32();
    byte[] keyHash = random32();

    Object one = OcspExchange.cacheKey(RESPONDER, id(nameHash, keyHash));
    Object same = OcspExchange.cacheKey(RESPONDER, id(nameHash.clone(), keyHash.clone()));
    Object otherResponder = OcspExchange.cacheKey(URI.create("http://other.example/"), id(nameHash, keyHash));

    assertThat(one).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(one).isNotEqualTo(otherResponder);
  }
}
