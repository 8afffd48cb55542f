package dev.mtls.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.pki.material.KeyPairs;
import dev.mtls.pki.material.TrustAnchors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.EncryptedData;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagFactory;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Pkcs12Test {
  private static final char[] PASSWORD = "p12-password".toCharArray();

  private static CertificateAuthority intermediate;
  private static IssuedCertificate alice;

  @TempDir Path directory;

  @BeforeAll
  static void material() {
    intermediate = CertificateAuthority.createRoot("CN=Test Root").createIntermediate("CN=Test Intermediate");
    alice = intermediate.issue(CertificateSpec.client("CN=alice,OU=admins").build());
  }

  @Test
  void modern_keystore_loads_with_chain_and_friendly_name_as_alias() throws Exception {
    Path file = write("alice.p12", Pkcs12.keyStore(alice.identity(), PASSWORD, "alice", Pkcs12.Profile.MODERN));

    Identity loaded = Identity.loadPkcs12(file, PASSWORD, "alice");

    assertThat(loaded.chain()).containsExactly(alice.certificate(), intermediate.certificate());
    assertThat(KeyPairs.matches(alice.certificate().getPublicKey(), loaded.privateKey())).isTrue();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(file)) {
      store.load(in, PASSWORD);
    }
    assertThat(Collections.list(store.aliases())).containsExactly("alice");
  }

  @Test
  void modern_keystore_uses_pbes2_aes_256_cbc_with_hmac_sha256_and_a_sha256_mac() throws Exception {
    PKCS12PfxPdu pfx = new PKCS12PfxPdu(Pkcs12.keyStore(alice.identity(), PASSWORD, "alice", Pkcs12.Profile.MODERN));

    assertThat(pfx.getMacAlgorithmID().getAlgorithm()).isEqualTo(NISTObjectIdentifiers.id_sha256);
    assertThat(pfx.isMacValid(new org.bouncycastle.pkcs.jcajce.JcePKCS12MacCalculatorBuilderProvider()
        .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()), PASSWORD)).isTrue();
    List<AlgorithmIdentifier> algorithms = encryptionAlgorithms(pfx);
    assertThat(algorithms).hasSize(2).allSatisfy(algorithm -> {
      assertThat(algorithm.getAlgorithm()).isEqualTo(PKCSObjectIdentifiers.id_PBES2);
      PBES2Parameters parameters = PBES2Parameters.getInstance(algorithm.getParameters());
      EncryptionScheme scheme = parameters.getEncryptionScheme();
      assertThat(scheme.getAlgorithm()).isEqualTo(NISTObjectIdentifiers.id_aes256_CBC);
      PBKDF2Params kdf = PBKDF2Params.getInstance(parameters.getKeyDerivationFunc().getParameters());
      assertThat(kdf.getPrf().getAlgorithm()).isEqualTo(PKCSObjectIdentifiers.id_hmacWithSHA256);
      assertThat(kdf.getIterationCount().intValue()).isEqualTo(dev.mtls.pki.material.KeyEncryption.STANDARD.pkcs12Iterations());
    });
  }

  @Test
  void compat_keystore_uses_3des_and_a_sha1_mac_and_still_loads() throws Exception {
    byte[] encoded = Pkcs12.keyStore(alice.identity(), PASSWORD, "alice", Pkcs12.Profile.COMPAT);
    PKCS12PfxPdu pfx = new PKCS12PfxPdu(encoded);

    assertThat(pfx.getMacAlgorithmID().getAlgorithm()).isEqualTo(OIWObjectIdentifiers.idSHA1);
    assertThat(encryptionAlgorithms(pfx)).extracting(AlgorithmIdentifier::getAlgorithm)
        .containsOnly(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC);
    Identity loaded = Identity.loadPkcs12(write("compat.p12", encoded), PASSWORD, null);
    assertThat(loaded.chain()).containsExactly(alice.certificate(), intermediate.certificate());
  }

  @Test
  void truststore_loads_as_trust_anchors() throws Exception {
    Path file = write("trust.p12", Pkcs12.trustStore(List.of(intermediate.chain().get(1)), PASSWORD));

    assertThat(TrustAnchors.loadPkcs12(file, PASSWORD).certificates()).containsExactly(intermediate.chain().get(1));
  }

  @Test
  void refuses_pkcs12_without_password() {
    assertThatThrownBy(() -> Pkcs12.keyStore(alice.identity(), null, "alice", Pkcs12.Profile.MODERN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a PKCS#12 file needs a password");
    assertThatThrownBy(() -> Pkcs12.keyStore(alice.identity(), new char[0], "alice", Pkcs12.Profile.COMPAT))
        .hasMessage("a PKCS#12 file needs a password");
    assertThatThrownBy(() -> Pkcs12.trustStore(intermediate.chain(), new char[0]))
        .hasMessage("a PKCS#12 file needs a password");
  }

  @Test
  void refuses_wrong_password_on_load() throws Exception {
    Path file = write("alice.p12", Pkcs12.keyStore(alice.identity(), PASSWORD, "alice", Pkcs12.Profile.MODERN));

    assertThatThrownBy(() -> Identity.loadPkcs12(file, "wrong".toCharArray(), null))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": wrong password for the PKCS#12 file");
  }

  @Test
  void refuses_pem_file_given_as_pkcs12() throws Exception {
    Path file = Files.writeString(directory.resolve("alice.pem"), alice.chainPem());

    assertThatThrownBy(() -> Identity.loadPkcs12(file, PASSWORD, null))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessageStartingWith(file + ": not a readable PKCS#12 file (")
        .hasMessageEndingWith("); is it PEM? then load it as PEM");
  }

  /** The algorithm of each encrypted content and of each shrouded key bag. */
  private static List<AlgorithmIdentifier> encryptionAlgorithms(PKCS12PfxPdu pfx) throws Exception {
    List<AlgorithmIdentifier> algorithms = new ArrayList<>();
    for (ContentInfo info : pfx.getContentInfos()) {
      PKCS12SafeBagFactory bags;
      if (info.getContentType().equals(PKCSObjectIdentifiers.encryptedData)) {
        algorithms.add(EncryptedData.getInstance(info.getContent()).getEncryptionAlgorithm());
        continue;
      }
      bags = new PKCS12SafeBagFactory(info);
      for (PKCS12SafeBag bag : bags.getSafeBags()) {
        if (bag.getBagValue() instanceof PKCS8EncryptedPrivateKeyInfo key) {
          algorithms.add(key.getEncryptionAlgorithm());
        }
      }
    }
    return algorithms;
  }

  private Path write(String name, byte[] content) throws Exception {
    return Files.write(directory.resolve(name), content);
  }

}
