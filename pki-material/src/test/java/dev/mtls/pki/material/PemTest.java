package dev.mtls.pki.material;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.testing.pki.Keys;
import dev.mtls.testing.pki.TestCa;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {
  private static final char[] PASSWORD = "correct horse".toCharArray();

  private static KeyPair rootKeys;
  private static TestCa rootCa;
  private static X509Certificate root;
  private static KeyPair leafKeys;
  private static X509Certificate leaf;

  @TempDir Path directory;

  @BeforeAll
  static void certificates() {
    rootKeys = Keys.ec();
    rootCa = TestCa.root("CN=Test Root", rootKeys, 1);
    root = rootCa.certificate();
    leafKeys = Keys.ec();
    leaf = rootCa.issue("CN=leaf").key(leafKeys).extendedKeyUsage(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth).build().certificate();
  }

  @Test
  void certificates_round_trip_in_file_order() throws IOException {
    Path file = Files.writeString(directory.resolve("chain.pem"), Pem.encode(List.of(leaf, root)));

    assertThat(Pem.loadCertificates(file)).containsExactly(leaf, root);
    assertThat(Pem.encode(leaf)).startsWith("-----BEGIN CERTIFICATE-----");
  }

  @Test
  void unencrypted_key_is_written_as_pkcs8() {
    assertThat(Pem.encode(leafKeys.getPrivate())).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Pem.encode(Keys.rsa(2048).getPrivate())).startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void unencrypted_key_round_trips() throws IOException {
    Path file = Files.writeString(directory.resolve("key.pem"), Pem.encode(leafKeys.getPrivate()));

    PrivateKey key = Pem.loadPrivateKey(file, null);

    assertThat(key.getEncoded()).isEqualTo(leafKeys.getPrivate().getEncoded());
  }

  @Test
  void rsa_pkcs1_and_ec_sec1_keys_load() throws IOException {
    KeyPair rsa = Keys.rsa(2048);
    String pkcs1 = bcPem(rsa);
    String sec1 = sec1(leafKeys);
    assertThat(pkcs1).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(sec1).startsWith("-----BEGIN EC PRIVATE KEY-----");

    assertThat(Pem.parsePrivateKey(pkcs1, null, "rsa.pem").getEncoded()).isEqualTo(rsa.getPrivate().getEncoded());
    assertThat(KeyPairs.matches(leafKeys.getPublic(), Pem.parsePrivateKey(sec1, null, "ec.pem"))).isTrue();
  }

  @Test
  void encrypted_key_round_trips_as_encrypted_pkcs8() throws IOException {
    String pem = Pem.encodeEncrypted(leafKeys.getPrivate(), PASSWORD);
    Path file = Files.writeString(directory.resolve("key.pem"), pem);

    assertThat(pem).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    assertThat(Pem.loadPrivateKey(file, PASSWORD).getEncoded()).isEqualTo(leafKeys.getPrivate().getEncoded());
  }

  @Test
  void encrypted_key_uses_pbes2_aes256_and_the_standard_pbkdf2_cost_unless_told_otherwise() throws Exception {
    assertThat(pbkdf2Iterations(Pem.encodeEncrypted(leafKeys.getPrivate(), PASSWORD))).isEqualTo(600_000);
    assertThat(pbkdf2Iterations(Pem.encodeEncrypted(leafKeys.getPrivate(), PASSWORD, KeyEncryption.forTests())))
        .isEqualTo(1_000);
    assertThatThrownBy(() -> new KeyEncryption(999, 100_000)).isInstanceOf(IllegalArgumentException.class);
  }

  private static int pbkdf2Iterations(String pem) throws Exception {
    byte[] der = java.util.Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    var info = org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo.getInstance(der);
    var scheme = org.bouncycastle.asn1.pkcs.PBES2Parameters.getInstance(info.getEncryptionAlgorithm().getParameters());
    assertThat(scheme.getEncryptionScheme().getAlgorithm())
        .isEqualTo(org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_aes256_CBC);
    return org.bouncycastle.asn1.pkcs.PBKDF2Params.getInstance(scheme.getKeyDerivationFunc().getParameters())
        .getIterationCount().intValue();
  }

  @Test
  void legacy_openssl_encrypted_key_loads_with_its_password() throws IOException {
    KeyPair rsa = Keys.rsa(2048);
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(rsa, new JcePEMEncryptorBuilder("AES-256-CBC").setProvider(new BouncyCastleProvider()).build(PASSWORD));
    }
    assertThat(out.toString()).startsWith("-----BEGIN RSA PRIVATE KEY-----").contains("Proc-Type: 4,ENCRYPTED");

    PrivateKey key = Pem.parsePrivateKey(out.toString(), PASSWORD, "legacy.pem");

    assertThat(KeyPairs.matches(rsa.getPublic(), key)).isTrue();
  }

  @Test
  void refuses_encrypted_key_without_password() throws IOException {
    Path file = Files.writeString(directory.resolve("key.pem"),
        Pem.encodeEncrypted(leafKeys.getPrivate(), PASSWORD, KeyEncryption.forTests()));

    assertThatThrownBy(() -> Pem.loadPrivateKey(file, null))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": the private key is encrypted; give its password");
    assertThatThrownBy(() -> Pem.loadPrivateKey(file, new char[0]))
        .hasMessage(file + ": the private key is encrypted; give its password");
  }

  @Test
  void refuses_encrypted_key_with_wrong_password() throws IOException {
    Path file = Files.writeString(directory.resolve("key.pem"),
        Pem.encodeEncrypted(leafKeys.getPrivate(), PASSWORD, KeyEncryption.forTests()));

    assertThatThrownBy(() -> Pem.loadPrivateKey(file, "wrong".toCharArray()))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": cannot decrypt the private key: wrong password?");
  }

  @Test
  void refuses_legacy_encrypted_key_with_wrong_password() throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(Keys.rsa(2048), new JcePEMEncryptorBuilder("AES-256-CBC").setProvider(new BouncyCastleProvider()).build(PASSWORD));
    }

    assertThatThrownBy(() -> Pem.parsePrivateKey(out.toString(), "wrong".toCharArray(), "legacy.pem"))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage("legacy.pem: cannot decrypt the private key: wrong password?");
  }

  @Test
  void refuses_key_file_given_as_certificates() throws IOException {
    Path file = Files.writeString(directory.resolve("key.pem"), Pem.encode(leafKeys.getPrivate()));

    assertThatThrownBy(() -> Pem.loadCertificates(file))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": expected only certificates but found a private key; "
            + "a certificate file holds BEGIN CERTIFICATE blocks");
  }

  @Test
  void refuses_certificate_file_given_as_key() throws IOException {
    Path file = Files.writeString(directory.resolve("cert.pem"), Pem.encode(leaf));

    assertThatThrownBy(() -> Pem.loadPrivateKey(file, null))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": no private key found (found a certificate); "
            + "expected -----BEGIN PRIVATE KEY----- or an RSA/EC/ENCRYPTED variant");
  }

  @Test
  void refuses_two_keys_in_one_file() throws IOException {
    Path file = Files.writeString(directory.resolve("keys.pem"),
        Pem.encode(leafKeys.getPrivate()) + Pem.encode(rootKeys.getPrivate()));

    assertThatThrownBy(() -> Pem.loadPrivateKey(file, null))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": holds more than one private key; put one key per file");
  }

  @Test
  void refuses_missing_file() {
    Path file = directory.resolve("missing.pem");

    assertThatThrownBy(() -> Pem.loadCertificates(file))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": file not found");
    assertThatThrownBy(() -> Pem.loadPrivateKey(file, null)).hasMessage(file + ": file not found");
    assertThatThrownBy(() -> Pem.loadCrls(file)).hasMessage(file + ": file not found");
  }

  @Test
  void refuses_binary_der_file() throws Exception {
    Path file = Files.write(directory.resolve("cert.der"), leaf.getEncoded());

    assertThatThrownBy(() -> Pem.loadCertificates(file))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": not a PEM text file (binary content; is it DER or PKCS#12?)");
  }

  @Test
  void refuses_file_without_pem_blocks() throws IOException {
    Path file = Files.writeString(directory.resolve("empty.pem"), "just some text\n");

    assertThatThrownBy(() -> Pem.loadCertificates(file))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": no PEM certificate found (expected -----BEGIN CERTIFICATE-----)");
    assertThatThrownBy(() -> Pem.loadPrivateKey(file, null))
        .hasMessage(file + ": no private key found (found no PEM block); "
            + "expected -----BEGIN PRIVATE KEY----- or an RSA/EC/ENCRYPTED variant");
  }

  @Test
  void crl_round_trips() throws IOException {
    X509CRL crl = rootCa.crl().build();
    Path file = Files.writeString(directory.resolve("crl.pem"), Pem.encode(crl));

    assertThat(Pem.loadCrls(file)).containsExactly(crl);
  }

  @Test
  void refuses_certificate_file_given_as_crl() throws IOException {
    Path file = Files.writeString(directory.resolve("cert.pem"), Pem.encode(leaf));

    assertThatThrownBy(() -> Pem.loadCrls(file))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": expected a CRL (BEGIN X509 CRL) but found a certificate");
  }

  /** SEC1 as OpenSSL writes it: with the curve and the public key (BouncyCastle's writer drops both for JDK keys). */
  private static String sec1(KeyPair keyPair) throws IOException {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(keyPair.getPrivate().getEncoded());
    org.bouncycastle.asn1.sec.ECPrivateKey inner =
        org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
    org.bouncycastle.asn1.sec.ECPrivateKey full = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(),
        SubjectPublicKeyInfo.getInstance(keyPair.getPublic().getEncoded()).getPublicKeyData(),
        info.getPrivateKeyAlgorithm().getParameters());
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(new PemObject("EC PRIVATE KEY", full.getEncoded()));
    }
    return out.toString();
  }

  private static String bcPem(KeyPair keyPair) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(keyPair);
    }
    return out.toString();
  }
}
