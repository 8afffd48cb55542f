package dev.mtls.pki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.Pem;
import dev.mtls.testing.MutableClock;
import dev.mtls.testing.PlainHttp;
import dev.mtls.testing.peers.ExternalProcess.Result;
import dev.mtls.testing.peers.Peer;
import dev.mtls.testing.peers.RequiresPeer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pki ocsp}'s responder answering OpenSSL's {@code openssl ocsp}, the reference OCSP client. */
class OcspResponderTest {
  private static final char[] PASSWORD = "ocsp test password".toCharArray();

  @TempDir Path dir;
  private CaDirectory ca;
  private PublicationServer server;
  private CaDirectory.OcspSigner signer;

  @BeforeEach
  void start() throws IOException {
    ca = CaDirectory.init(dir.resolve("ca"), PASSWORD, CaDirectory.InitOptions.defaults("OCSP Test")
        .withKeyEncryption(KeyEncryption.forTests()), false, Clock.systemUTC());
    write("alice.pem", ca.issue(CertificateSpec.client("CN=alice").build()).certificate());
    X509Certificate bob = ca.issue(CertificateSpec.client("CN=bob").build()).certificate();
    write("bob.pem", bob);
    ca.revoke(bob.getSerialNumber(), RevocationReason.KEY_COMPROMISE);
    signer = ca.ocspSigner(Duration.ofDays(7), Duration.ofDays(1));
    server = PublicationServer.builder()
        .ocspResponder("/", new OcspResponder(ca, signer, Duration.ofMinutes(10), Clock.systemUTC())).start();
    Files.copy(dir.resolve("ca/intermediate.pem"), dir.resolve("issuer.pem"));
    Files.writeString(dir.resolve("chain.pem"), Pem.encode(List.of(ca.intermediate(), ca.root())));
    Files.writeString(dir.resolve("signer.pem"), Pem.encode(signer.certificate()));
  }

  @AfterEach
  void stop() {
    server.close();
    ca.close();
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void answers_good_revoked_with_time_and_reason_and_unknown_with_a_verified_signature_and_the_nonce() {
    Result result = Peer.OPENSSL.run(dir, "ocsp", "-issuer", "issuer.pem", "-cert", "alice.pem", "-cert", "bob.pem",
        "-serial", "0x1234abcd", "-url", url(), "-CAfile", "chain.pem");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("Response verify OK", "alice.pem: good", "bob.pem: revoked",
        "Reason: keyCompromise", "Revocation Time:", "0x1234abcd: unknown", "Next Update:")
        .doesNotContain("WARNING");
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void the_responders_signature_verifies_against_the_delegated_signer_alone() {
    Result result = Peer.OPENSSL.run(dir, "ocsp", "-issuer", "issuer.pem", "-cert", "alice.pem", "-url", url(),
        "-VAfile", "signer.pem");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("Response verify OK", "alice.pem: good");
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void sees_a_revocation_made_while_it_runs() throws Exception {
    X509Certificate carol = ca.issue(CertificateSpec.client("CN=carol").build()).certificate();
    write("carol.pem", carol);
    assertThat(Peer.OPENSSL.run(dir, "ocsp", "-issuer", "issuer.pem", "-cert", "carol.pem", "-url", url(), "-CAfile",
        "chain.pem").output()).contains("carol.pem: good");

    ca.revoke(carol.getSerialNumber(), RevocationReason.CESSATION_OF_OPERATION);

    assertThat(Peer.OPENSSL.run(dir, "ocsp", "-issuer", "issuer.pem", "-cert", "carol.pem", "-url", url(), "-CAfile",
        "chain.pem").output()).contains("carol.pem: revoked", "Reason: cessationOfOperation");
  }

  @Test
  void the_signer_is_a_delegated_ocsp_signer_of_the_issuing_ca_recorded_in_its_index() throws Exception {
    X509Certificate certificate = signer.certificate();

    assertThat(certificate.getExtendedKeyUsage()).containsExactly(KeyPurposeId.id_kp_OCSPSigning.getId());
    assertThat(certificate.getNonCriticalExtensionOIDs()).contains("1.3.6.1.5.5.7.48.1.5");
    assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
    certificate.verify(ca.intermediate().getPublicKey());
    assertThat(ca.entry(certificate.getSerialNumber())).isPresent();
    assertThat(ca.ocspSigner(Duration.ofDays(7), Duration.ofDays(1)).certificate()).isEqualTo(certificate);
  }

  @Test
  void a_signer_left_by_a_ca_recreated_under_the_same_names_is_replaced_not_reused() throws Exception {
    X509Certificate old = signer.certificate();
    try (CaDirectory recreated = CaDirectory.init(dir.resolve("ca"), PASSWORD, CaDirectory.InitOptions
        .defaults("OCSP Test").withKeyEncryption(KeyEncryption.forTests()), true, Clock.systemUTC())) {
      X509Certificate fresh = recreated.ocspSigner(Duration.ofDays(7), Duration.ofDays(1)).certificate();

      assertThat(fresh).isNotEqualTo(old);
      assertThat(fresh.getIssuerX500Principal()).isEqualTo(old.getIssuerX500Principal());
      fresh.verify(recreated.intermediate().getPublicKey());
    }
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void answers_get_requests_with_a_cache_lifetime_and_garbage_with_malformed_request() throws Exception {
    Path request = dir.resolve("request.der");
    Result made = Peer.OPENSSL.run(dir, "ocsp", "-issuer", "issuer.pem", "-cert", "alice.pem", "-no_nonce", "-reqout",
        request.toString());
    assertThat(made.exitCode()).as(made.output()).isZero();
    String encoded = java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(request));

    PlainHttp.Response get = PlainHttp.get(URI.create(url() + "/"
        + java.net.URLEncoder.encode(encoded, java.nio.charset.StandardCharsets.US_ASCII)));
    PlainHttp.Response garbage = PlainHttp.send("POST", URI.create(url()),
        "not an OCSP request".getBytes(StandardCharsets.US_ASCII), null);

    assertThat(get.status()).isEqualTo(200);
    assertThat(get.header("Content-Type")).contains("application/ocsp-response");
    assertThat(get.header("Cache-Control")).hasValueSatisfying(v -> assertThat(v).startsWith("max-age=600"));
    assertThat(new OCSPResp(get.bytes()).getStatus()).isEqualTo(OCSPRespBuilder.SUCCESSFUL);
    assertThat(new OCSPResp(garbage.bytes()).getStatus()).isEqualTo(OCSPRespBuilder.MALFORMED_REQUEST);
  }

  private String url() {
    return "http://127.0.0.1:" + server.port();
  }

  private void write(String name, X509Certificate certificate) throws IOException {
    Files.writeString(dir.resolve(name), Pem.encode(certificate));
  }

  @Test
  void renews_its_signer_while_running_once_less_than_a_day_is_left() throws Exception {
    MutableClock clock = MutableClock.now();
    try (CaDirectory running = CaDirectory.open(dir.resolve("ca"), PASSWORD, clock)) {
      CaDirectory.OcspSigner first = running.ocspSigner(Duration.ofDays(7), Duration.ofDays(1));
      OcspResponder responder = new OcspResponder(running, first, Duration.ofMinutes(10), clock);
      byte[] request = request(running, first.certificate().getSerialNumber());

      BigInteger before = signerSerial(responder.respond(request));
      clock.advance(Duration.ofDays(6).plusHours(1));
      BigInteger after = signerSerial(responder.respond(request));

      assertThat(before).isEqualTo(first.certificate().getSerialNumber());
      assertThat(after).isNotEqualTo(before);
      assertThat(running.entry(after)).as("the renewed signer is in the index").isPresent();
    }
  }

  @Test
  void a_revoked_signer_is_replaced_at_once_and_never_signs_again() throws Exception {
    OcspResponder responder = new OcspResponder(ca, signer, Duration.ofMinutes(10), Clock.systemUTC());
    byte[] request = request(ca, signer.certificate().getSerialNumber());
    assertThat(signerSerial(responder.respond(request))).isEqualTo(signer.certificate().getSerialNumber());

    ca.revoke(signer.certificate().getSerialNumber(), RevocationReason.KEY_COMPROMISE);
    BigInteger replacement = Pem.loadCertificates(dir.resolve("ca/ocsp-signer.pem")).get(0).getSerialNumber();

    assertThat(replacement).isNotEqualTo(signer.certificate().getSerialNumber());
    assertThat(ca.entry(replacement)).hasValueSatisfying(e -> assertThat(e.status()).isEqualTo(IndexEntry.Status.VALID));
    assertThat(signerSerial(responder.respond(request))).isEqualTo(replacement);
    assertThat(responder.signer().certificate().getSerialNumber()).isEqualTo(replacement);
  }

  @Test
  void a_responder_started_again_never_signs_with_a_revoked_signer_left_on_file() throws Exception {
    byte[] signerPem = Files.readAllBytes(dir.resolve("ca/ocsp-signer.pem"));
    byte[] signerKey = Files.readAllBytes(dir.resolve("ca/ocsp-signer.key"));
    ca.revoke(signer.certificate().getSerialNumber(), RevocationReason.KEY_COMPROMISE);
    // As a directory revoked by hand, or by a pki that did not replace its signer, would have it.
    Files.write(dir.resolve("ca/ocsp-signer.pem"), signerPem);
    Files.write(dir.resolve("ca/ocsp-signer.key"), signerKey);

    try (CaDirectory restarted = CaDirectory.open(dir.resolve("ca"), PASSWORD, Clock.systemUTC())) {
      OcspResponder responder = OcspResponder.forCa(restarted, Duration.ofMinutes(10), Clock.systemUTC());
      BigInteger answeredBy = signerSerial(responder.respond(request(restarted, BigInteger.TEN)));

      assertThat(responder.signer().certificate().getSerialNumber()).isNotEqualTo(signer.certificate()
          .getSerialNumber());
      assertThat(answeredBy).isEqualTo(responder.signer().certificate().getSerialNumber());
      assertThat(restarted.entry(answeredBy)).hasValueSatisfying(
          e -> assertThat(e.status()).isEqualTo(IndexEntry.Status.VALID));
    }
  }

  @Test
  void answers_try_later_rather_than_sign_with_a_revoked_signer_it_cannot_replace_yet() throws Exception {
    OcspResponder responder = new OcspResponder(ca, signer, Duration.ofMinutes(10), Clock.systemUTC());
    byte[] request = request(ca, BigInteger.TEN);
    byte[] signerPem = Files.readAllBytes(dir.resolve("ca/ocsp-signer.pem"));
    ca.revoke(signer.certificate().getSerialNumber(), RevocationReason.KEY_COMPROMISE);
    Files.write(dir.resolve("ca/ocsp-signer.pem"), signerPem);

    try (FileChannel channel = FileChannel.open(dir.resolve("ca/.lock"), StandardOpenOption.WRITE);
        FileLock held = channel.lock()) {
      assertThat(new OCSPResp(responder.respond(request)).getStatus()).isEqualTo(OCSPRespBuilder.TRY_LATER);
    }

    BigInteger answeredBy = signerSerial(responder.respond(request));
    assertThat(answeredBy).isNotEqualTo(signer.certificate().getSerialNumber());
    assertThat(ca.entry(answeredBy)).hasValueSatisfying(e -> assertThat(e.status()).isEqualTo(IndexEntry.Status.VALID));
  }

  private static byte[] request(CaDirectory ca, BigInteger serial) throws Exception {
    return new OCSPReqBuilder().addRequest(new CertificateID(new JcaDigestCalculatorProviderBuilder().build()
        .get(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256)), new JcaX509CertificateHolder(ca.intermediate()),
        serial)).build().getEncoded();
  }

  private static BigInteger signerSerial(byte[] response) throws Exception {
    BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(response).getResponseObject();
    return basic.getCerts()[0].getSerialNumber();
  }
}
