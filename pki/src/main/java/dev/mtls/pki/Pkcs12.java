package dev.mtls.pki;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.Providers;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.crypto.engines.DESedeEngine;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.bc.BcPKCS12PBEOutputEncryptorBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;

/**
 * Password-protected PKCS#12 files, written with BouncyCastle so the algorithms are explicit rather than
 * whatever the running JDK's defaults are.
 */
public final class Pkcs12 {
  /**
   * MODERN: PBES2 with AES-256-CBC and PBKDF2-HMAC-SHA256 for keys and certificates, HMAC-SHA256 MAC; read
   * by OpenSSL 3 without {@code -legacy}, by JDK 11.0.12+ and by current macOS and Windows. COMPAT: 3DES and
   * a SHA-1 MAC, for old keychains that cannot read PBES2; weaker, use only when MODERN fails to import.
   */
  public enum Profile { MODERN, COMPAT }

  static final int COMPAT_ITERATIONS = 2048;
  /** The JDK's own bag attribute that marks a certificate entry as trusted (trustedKeyUsage). */
  private static final ASN1ObjectIdentifier ORACLE_TRUSTED_KEY_USAGE =
      new ASN1ObjectIdentifier("2.16.840.1.113894.746875.1.1");

  private Pkcs12() {}

  /** A keystore holding one key entry named {@code friendlyName}, with the identity's whole chain. */
  public static byte[] keyStore(Identity identity, char[] password, String friendlyName, Profile profile) {
    return keyStore(identity, password, friendlyName, profile, KeyEncryption.STANDARD);
  }

  /** Like {@link #keyStore(Identity, char[], String, Profile)}, at the given cost (MODERN only). */
  public static byte[] keyStore(Identity identity, char[] password, String friendlyName, Profile profile,
      KeyEncryption cost) {
    requirePassword(password);
    int iterations = cost.pkcs12Iterations();
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      SubjectKeyIdentifier localKeyId = utils.createSubjectKeyIdentifier(identity.certificate().getPublicKey());
      OutputEncryptor encryptor = encryptor(profile, password, iterations);

      List<PKCS12SafeBag> certificates = new ArrayList<>();
      for (int i = 0; i < identity.chain().size(); i++) {
        PKCS12SafeBagBuilder bag = new JcaPKCS12SafeBagBuilder(identity.chain().get(i));
        if (i == 0) {
          bag.addBagAttribute(PKCS12SafeBag.friendlyNameAttribute, new DERBMPString(friendlyName));
          bag.addBagAttribute(PKCS12SafeBag.localKeyIdAttribute, localKeyId);
        }
        certificates.add(bag.build());
      }
      PKCS12SafeBagBuilder key = new JcaPKCS12SafeBagBuilder(identity.privateKey(), encryptor);
      key.addBagAttribute(PKCS12SafeBag.friendlyNameAttribute, new DERBMPString(friendlyName));
      key.addBagAttribute(PKCS12SafeBag.localKeyIdAttribute, localKeyId);

      PKCS12PfxPduBuilder pfx = new PKCS12PfxPduBuilder();
      pfx.addEncryptedData(encryptor, certificates.toArray(new PKCS12SafeBag[0]));
      pfx.addData(key.build());
      return seal(pfx, profile, password, iterations);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build PKCS#12: " + e.getMessage(), e);
    }
  }

  /**
   * A truststore: the anchors as trusted-certificate entries. The JDK recognises them as trusted only
   * through its own {@code trustedKeyUsage} attribute (OID 2.16.840.1.113894.746875.1.1), added here.
   */
  public static byte[] trustStore(List<X509Certificate> anchors, char[] password) {
    requirePassword(password);
    try {
      List<PKCS12SafeBag> bags = new ArrayList<>();
      for (int i = 0; i < anchors.size(); i++) {
        X509Certificate anchor = anchors.get(i);
        PKCS12SafeBagBuilder bag = new JcaPKCS12SafeBagBuilder(anchor);
        bag.addBagAttribute(PKCS12SafeBag.friendlyNameAttribute, new DERBMPString("trusted-" + i));
        // addBagAttribute wraps the value in the attribute's SET itself: pass the OID, not a SET of it, or the
        // JDK fails the whole file with "keystore password was incorrect".
        bag.addBagAttribute(ORACLE_TRUSTED_KEY_USAGE, KeyPurposeId.anyExtendedKeyUsage);
        bags.add(bag.build());
      }
      PKCS12PfxPduBuilder pfx = new PKCS12PfxPduBuilder();
      int iterations = KeyEncryption.STANDARD.pkcs12Iterations();
      pfx.addEncryptedData(encryptor(Profile.MODERN, password, iterations), bags.toArray(new PKCS12SafeBag[0]));
      return seal(pfx, Profile.MODERN, password, iterations);
    } catch (IOException e) {
      throw new IllegalStateException("cannot build PKCS#12 truststore: " + e.getMessage(), e);
    }
  }

  private static OutputEncryptor encryptor(Profile profile, char[] password, int iterations) {
    try {
      if (profile == Profile.COMPAT) {
        return new BcPKCS12PBEOutputEncryptorBuilder(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC,
            CBCBlockCipher.newInstance(new DESedeEngine())).setIterationCount(COMPAT_ITERATIONS).build(password);
      }
      return new JcePKCSPBEOutputEncryptorBuilder(NISTObjectIdentifiers.id_aes256_CBC)
          // Without an explicit PRF BouncyCastle uses HMAC-SHA1.
          .setPRF(new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE))
          .setIterationCount(iterations)
          .setProvider(Providers.bouncyCastle())
          .build(password);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot create PKCS#12 encryptor: " + e.getMessage(), e);
    }
  }

  private static byte[] seal(PKCS12PfxPduBuilder pfx, Profile profile, char[] password, int iterations)
      throws IOException {
    PKCS12MacCalculatorBuilder mac = profile == Profile.COMPAT
        ? new JcePKCS12MacCalculatorBuilder(OIWObjectIdentifiers.idSHA1).setIterationCount(COMPAT_ITERATIONS)
            .setProvider(Providers.bouncyCastle())
        : new JcePKCS12MacCalculatorBuilder(NISTObjectIdentifiers.id_sha256).setIterationCount(iterations)
            .setProvider(Providers.bouncyCastle());
    try {
      PKCS12PfxPdu pdu = pfx.build(mac, password);
      return pdu.getEncoded("DER");
    } catch (PKCSException e) {
      throw new IllegalStateException("cannot seal PKCS#12: " + e.getMessage(), e);
    }
  }

  private static void requirePassword(char[] password) {
    if (password == null || password.length == 0) {
      throw new IllegalArgumentException("a PKCS#12 file needs a password");
    }
  }

}
