package dev.mtls.pki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.testing.ParserFuzzTest;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever bytes arrive as an OCSP request, the responder answers with an OCSP response: a signed one with one answer
 * per certificate asked about, or {@code malformedRequest}; it never fails, never answers {@code internalError} for
 * what a client sent, and never hangs. The checked-in seeds ({@code openssl ocsp -reqout}: one certificate with and
 * without a nonce, three, SHA-256 CertIDs, a signed request) ask about another CA; the seeds of {@link #requests()}
 * ask this test's CA about a good, a revoked and an unknown serial, so the fuzzer starts from both answers.
 */
class OcspResponderFuzzTest {
  private static final char[] PASSWORD = "fuzzing".toCharArray();

  @TempDir
  static Path directory;
  private static CaDirectory ca;
  private static OcspResponder responder;
  private static X509Certificate good;
  private static X509Certificate revoked;

  @BeforeAll
  static void responder() {
    ca = CaDirectory.init(directory.resolve("ca"), PASSWORD, CaDirectory.InitOptions.defaults("Fuzz")
        .withKeyEncryption(KeyEncryption.forTests()), false, Clock.systemUTC());
    good = ca.issue(CertificateSpec.client("CN=alice").build()).certificate();
    revoked = ca.issue(CertificateSpec.client("CN=bob").build()).certificate();
    ca.revoke(revoked.getSerialNumber(), RevocationReason.KEY_COMPROMISE);
    responder = new OcspResponder(ca, ca.ocspSigner(Duration.ofDays(7), Duration.ofDays(1)), Duration.ofMinutes(10),
        Clock.systemUTC());
  }

  static Stream<byte[]> requests() throws Exception {
    DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().build();
    JcaX509CertificateHolder issuer = new JcaX509CertificateHolder(ca.intermediate());
    OCSPReqBuilder all = new OCSPReqBuilder();
    for (BigInteger serial : List.of(good.getSerialNumber(), revoked.getSerialNumber(), BigInteger.valueOf(7))) {
      all.addRequest(new CertificateID(digests.get(CertificateID.HASH_SHA1), issuer, serial));
    }
    all.setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
        new DEROctetString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))));
    OCSPReqBuilder one = new OCSPReqBuilder().addRequest(new CertificateID(digests.get(CertificateID.HASH_SHA1),
        issuer, revoked.getSerialNumber()));
    return Stream.of(all.build().getEncoded(), one.build().getEncoded());
  }

  @MethodSource("requests")
  @ParserFuzzTest
  void answers_any_request_with_a_response(byte[] request) throws IOException, OCSPException {
    OCSPResp response = new OCSPResp(responder.respond(request));

    assertThat(response.getStatus()).isIn(OCSPRespBuilder.SUCCESSFUL, OCSPRespBuilder.MALFORMED_REQUEST);
    if (response.getStatus() == OCSPRespBuilder.SUCCESSFUL) {
      assertThat(((BasicOCSPResp) response.getResponseObject()).getResponses()).isNotEmpty();
    }
  }
}
