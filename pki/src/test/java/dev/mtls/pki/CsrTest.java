package dev.mtls.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.pki.material.SubjectAltName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsrTest {
  private static final String BAD_SIGNATURE = "the request's signature does not verify: it was altered, or not signed "
      + "by the private key of the public key it carries";

  private static CertificateAuthority intermediate;

  @TempDir Path directory;

  @BeforeAll
  static void authorities() {
    intermediate = CertificateAuthority.createRoot("CN=Test Root").createIntermediate("CN=Test Intermediate");
  }

  @Test
  void request_round_trips_through_pem_with_subject_names_and_key() {
    KeyPair keyPair = KeyAlgorithm.EC_P256.generate();
    List<SubjectAltName> names = List.of(SubjectAltName.dns("api.example.org"), SubjectAltName.ip("10.0.0.7"));

    Csr parsed = Csr.parse(Csr.create(keyPair, new X500Principal("CN=api.example.org,O=Example"), names).pem(),
        "api.csr");

    assertThat(parsed.subject()).isEqualTo(new X500Principal("CN=api.example.org,O=Example"));
    assertThat(parsed.subjectAltNames()).containsExactlyElementsOf(names);
    assertThat(parsed.publicKey().getEncoded()).isEqualTo(keyPair.getPublic().getEncoded());
    parsed.verifySignature();
  }

  @Test
  void signed_request_keeps_names_and_key_and_gets_the_profile_extensions() throws Exception {
    KeyPair keyPair = KeyAlgorithm.EC_P256.generate();
    Csr csr = Csr.create(keyPair, new X500Principal("CN=api.example.org"),
        List.of(SubjectAltName.dns("api.example.org")));

    IssuedCertificate issued = intermediate.sign(csr, Profile.SERVER, NamePolicy.permitAll(), Duration.ofDays(30));

    assertThat(issued.certificate().getPublicKey().getEncoded()).isEqualTo(keyPair.getPublic().getEncoded());
    assertThat(issued.certificate().getSubjectX500Principal()).isEqualTo(new X500Principal("CN=api.example.org"));
    assertThat(issued.certificate().getSubjectAlternativeNames())
        .containsExactly(List.of(GeneralName.dNSName, "api.example.org"));
    assertThat(issued.certificate().getExtendedKeyUsage()).containsExactly(KeyPurposeId.id_kp_serverAuth.getId());
    assertThat(issued.chain()).containsExactly(issued.certificate(), intermediate.certificate());
    assertThat(issued.hasKeyPair()).isFalse();
    assertThatThrownBy(issued::keyPair)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("issued from a CSR: the private key stays with its owner");
  }

  @Test
  void extensions_asked_for_in_the_request_other_than_names_are_ignored() throws Exception {
    KeyPair keyPair = KeyAlgorithm.EC_P256.generate();
    ExtensionsGenerator requested = new ExtensionsGenerator();
    requested.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    requested.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
    requested.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName(GeneralName.dNSName, "wants-ca.example.org")));
    Csr csr = bcCsr(keyPair, keyPair, "CN=wants-ca", requested);

    IssuedCertificate issued = intermediate.sign(csr, Profile.SERVER, NamePolicy.permitAll(), null);

    assertThat(issued.certificate().getBasicConstraints()).isEqualTo(-1);
    assertThat(issued.certificate().getExtendedKeyUsage()).containsExactly(KeyPurposeId.id_kp_serverAuth.getId());
  }

  @Test
  void refuses_request_with_a_tampered_signature() {
    KeyPair keyPair = KeyAlgorithm.RSA_2048.generate();
    byte[] der = Csr.create(keyPair, new X500Principal("CN=alice"), List.of()).encoded();
    der[der.length - 1] ^= 0x01; // last byte of the RSA signature

    Csr tampered = Csr.parse(pem(der), "tampered.csr");

    assertThatThrownBy(() -> intermediate.sign(tampered, Profile.CLIENT, NamePolicy.permitAll(), null))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage(BAD_SIGNATURE);
  }

  @Test
  void refuses_request_with_an_altered_subject() throws Exception {
    KeyPair keyPair = KeyAlgorithm.EC_P256.generate();
    byte[] der = Csr.create(keyPair, new X500Principal("CN=alice"), List.of()).encoded();
    byte[] alice = "alice".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    int at = indexOf(der, alice);
    der[at] = 'm'; // CN=mlice, same length: still well-formed, no longer what was signed

    Csr altered = Csr.parse(pem(der), "altered.csr");

    assertThat(altered.subject()).isEqualTo(new X500Principal("CN=mlice"));
    assertThatThrownBy(() -> intermediate.sign(altered, Profile.CLIENT, NamePolicy.permitAll(), null))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage(BAD_SIGNATURE);
  }

  @Test
  void refuses_request_whose_ecdsa_signature_is_not_even_well_formed() {
    KeyPair keyPair = KeyAlgorithm.EC_P256.generate();
    byte[] der = Csr.create(keyPair, new X500Principal("CN=alice"), List.of()).encoded();
    PKCS10CertificationRequest request = parseDer(der);
    byte[] signature = request.getSignature();
    // The ECDSA signature is itself DER (SEQUENCE of r and s): break its first tag byte.
    int at = indexOf(der, signature);
    der[at] = 0x05;

    Csr malformed = Csr.parse(pem(der), "malformed.csr");

    assertThatThrownBy(() -> intermediate.sign(malformed, Profile.CLIENT, NamePolicy.permitAll(), null))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage(BAD_SIGNATURE);
  }

  @Test
  void refuses_request_signed_by_a_different_key() throws Exception {
    KeyPair claimed = KeyAlgorithm.EC_P256.generate();
    KeyPair signer = KeyAlgorithm.EC_P256.generate();
    Csr csr = bcCsr(claimed, signer, "CN=alice", null);

    assertThatThrownBy(() -> intermediate.sign(csr, Profile.CLIENT, NamePolicy.permitAll(), null))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage(BAD_SIGNATURE);
  }

  @Test
  void refuses_rsa_1024_csr() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(1024);
    KeyPair weak = generator.generateKeyPair();
    Csr csr = bcCsr(weak, weak, "CN=legacy", null);

    assertThatThrownBy(() -> intermediate.sign(csr, Profile.CLIENT, NamePolicy.permitAll(), null))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage("RSA key of 1024 bits is too weak: at least 2048 bits are required; make a new key (e.g. EC P-256)");
  }

  @Test
  void refuses_ec_key_on_a_curve_outside_the_policy() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", new org.bouncycastle.jce.provider.BouncyCastleProvider());
    generator.initialize(new ECGenParameterSpec("secp256k1"));
    KeyPair koblitz = generator.generateKeyPair();
    Csr csr = bcCsr(koblitz, koblitz, "CN=bitcoin", null);

    assertThatThrownBy(() -> intermediate.sign(csr, Profile.CLIENT, NamePolicy.permitAll(), null))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage("EC key on curve 1.3.132.0.10 is not allowed: use P-256, P-384 or P-521");
  }

  @Test
  void refuses_server_request_without_subject_alternative_name() {
    KeyPair keyPair = KeyAlgorithm.EC_P256.generate();
    Csr csr = Csr.create(keyPair, new X500Principal("CN=api.example.org"), List.of());

    assertThatThrownBy(() -> intermediate.sign(csr, Profile.SERVER, NamePolicy.permitAll(), null))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage("a server certificate needs at least one DNS or IP subject alternative name: "
            + "clients verify the host name against the SANs, not the CN");
  }

  @Test
  void refuses_client_request_without_subject() {
    KeyPair keyPair = KeyAlgorithm.EC_P256.generate();
    Csr csr = Csr.create(keyPair, new X500Principal(""), List.of(SubjectAltName.email("alice@example.org")));

    assertThatThrownBy(() -> intermediate.sign(csr, Profile.CLIENT, NamePolicy.permitAll(), null))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage("a client certificate needs a subject: servers map it to roles");
  }

  @Test
  void refuses_request_with_a_malformed_dns_name() throws Exception {
    KeyPair keyPair = KeyAlgorithm.EC_P256.generate();
    ExtensionsGenerator requested = new ExtensionsGenerator();
    requested.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName(GeneralName.dNSName, "evil\nname.example.org")));
    Csr csr = bcCsr(keyPair, keyPair, "CN=evil", requested);

    assertThatThrownBy(() -> intermediate.sign(csr, Profile.SERVER, NamePolicy.permitAll(), null))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage("the request's subject alternative name is malformed: "
            + "not a valid DNS name: 'evil\\u000Aname.example.org'");
  }

  @Test
  void refuses_missing_request_file() {
    Path file = directory.resolve("missing.csr");

    assertThatThrownBy(() -> Csr.load(file))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": file not found");
  }

  @Test
  void refuses_certificate_given_as_request() throws IOException {
    IssuedCertificate issued = intermediate.issue(CertificateSpec.client("CN=alice").build());
    Path file = Files.writeString(directory.resolve("alice.pem"), issued.certificatePem());

    assertThatThrownBy(() -> Csr.load(file))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": not a certificate request (expected -----BEGIN CERTIFICATE REQUEST-----, "
            + "found X509CertificateHolder)");
  }

  @Test
  void refuses_text_without_pem_block_as_request() throws IOException {
    Path file = Files.writeString(directory.resolve("empty.csr"), "nothing here\n");

    assertThatThrownBy(() -> Csr.load(file))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": not a certificate request (expected -----BEGIN CERTIFICATE REQUEST-----, "
            + "found no PEM block)");
  }

  /** A CSR built with BouncyCastle directly: {@code claimed}'s public key, signed by {@code signer}. */
  static Csr bcCsr(KeyPair claimed, KeyPair signer, String subject, ExtensionsGenerator extensions) throws Exception {
    JcaPKCS10CertificationRequestBuilder builder =
        new JcaPKCS10CertificationRequestBuilder(new X500Principal(subject), claimed.getPublic());
    if (extensions != null) {
      builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
    }
    String algorithm = signer.getPublic().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    PKCS10CertificationRequest request = builder.build(new JcaContentSignerBuilder(algorithm)
        .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).build(signer.getPrivate()));
    return Csr.parse(pem(request.getEncoded()), "bc.csr");
  }

  private static PKCS10CertificationRequest parseDer(byte[] der) {
    try {
      return new PKCS10CertificationRequest(der);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static String pem(byte[] der) {
    return "-----BEGIN CERTIFICATE REQUEST-----\n"
        + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END CERTIFICATE REQUEST-----\n";
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = haystack.length - needle.length; i >= 0; i--) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }
}
