package dev.mtls.pki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.testing.ClearError;
import dev.mtls.testing.ParserFuzzTest;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.pkcs.CertificationRequestInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Whatever a certificate request file holds, the CA signs it or refuses it with a clear reason: reading it gives a
 * {@link Csr} or a {@link KeyMaterialException} naming the file; signing it, under either profile and under the
 * permit-all policy or a restrictive one, gives a certificate for the request's key or a
 * {@link RequestRefusedException} saying why. No other exception, no hang.
 *
 * <p>A fuzzer cannot forge a signature, so each request that reads is also signed again, as it is, with a key of
 * this test's own: the CA's checks of names and keys then see what the fuzzer made of them. The seeds were made
 * with {@code openssl req -new} (every kind of alternative name, a server, P-384, Ed25519, RSA-1024, a wildcard
 * asking for CA:true, a subject named like the CA).
 */
class CsrFuzzTest {
  private static final CertificateAuthority CA =
      CertificateAuthority.createRoot("CN=Fuzz Root CA").createIntermediate("CN=Fuzz Issuing CA");
  private static final KeyPair KEY = KeyAlgorithm.EC_P256.generate();
  private static final List<NamePolicy> POLICIES = List.of(NamePolicy.permitAll(), NamePolicy.builder()
      .requireSubjectAttribute("O", "mtls-reference").allowSubjectAttribute("CN", "*")
      .allowSubjectAttribute("OU", "*").addDns("*.example.org").addIp("10.0.0.7").addEmail("@example.org")
      .addUri("spiffe://example.org/*").build());

  @ParserFuzzTest
  void signs_or_refuses_any_certificate_request(byte[] input) throws Exception {
    Csr csr;
    try {
      csr = Csr.parse(new String(input, StandardCharsets.US_ASCII), "request.csr");
    } catch (KeyMaterialException e) {
      ClearError.assertClear(e, "request.csr: ");
      return;
    }
    signsOrRefuses(csr);
    String ours = signedWithOurKey(csr);
    if (ours != null) {
      signsOrRefuses(Csr.parse(ours, "request.csr"));
    }
  }

  private static void signsOrRefuses(Csr csr) throws Exception {
    for (Profile profile : List.of(Profile.CLIENT, Profile.SERVER)) {
      for (NamePolicy policy : POLICIES) {
        ClearError.readsOrRefuses(RequestRefusedException.class, "", () -> assertThat(CA.sign(csr, profile, policy,
            Duration.ofDays(30)).certificate().getPublicKey()).isEqualTo(csr.publicKey()));
      }
    }
  }

  /** {@code csr}'s subject and attributes with this test's key, signed by it, as PEM; null when BouncyCastle cannot. */
  private static String signedWithOurKey(Csr csr) {
    try {
      CertificationRequestInfo info = CertificationRequest.getInstance(csr.encoded()).getCertificationRequestInfo();
      CertificationRequestInfo ours = new CertificationRequestInfo(info.getSubject(),
          SubjectPublicKeyInfo.getInstance(KEY.getPublic().getEncoded()), info.getAttributes());
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(KEY.getPrivate());
      try (OutputStream out = signer.getOutputStream()) {
        out.write(ours.getEncoded());
      }
      StringWriter pem = new StringWriter();
      try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
        writer.writeObject(new PKCS10CertificationRequest(new CertificationRequest(ours,
            signer.getAlgorithmIdentifier(), new DERBitString(signer.getSignature()))));
      }
      return pem.toString();
    } catch (Exception e) {
      return null; // what BouncyCastle's own builders refuse is not this test's subject
    }
  }
}
