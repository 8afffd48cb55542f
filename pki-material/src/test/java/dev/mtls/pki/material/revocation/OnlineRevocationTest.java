package dev.mtls.pki.material.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.CrlSet;
import dev.mtls.pki.material.trust.MissingCrlPolicy;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.StatusCheck;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.pki.material.trust.UnavailablePolicy;
import dev.mtls.pki.material.trust.Verdict;
import dev.mtls.testing.MutableClock;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.TestCa;
import dev.mtls.testing.pki.TestPki;
import dev.mtls.testing.pki.TestRevocationServer;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OnlineRevocationTest {
  private final TestPki pki = TestPki.create();
  private final TestRevocationServer responder = TestRevocationServer.start(pki.issuing);
  private final MutableClock clock = MutableClock.now();
  /** The intermediate's status comes from the root's CRL, given as a file would be: sources combine. */
  private final CrlSet rootCrl = CrlSet.of("root.crl", List.of(pki.root.crl().build()));

  @AfterEach
  void stop() {
    responder.close();
  }

  private Issued client(String cn, String ocspUrl, String crlUrl) {
    var builder = pki.issuing.issue("CN=" + cn + ",O=mtls-reference test").client();
    if (ocspUrl != null) {
      builder.ocspUrl(ocspUrl);
    }
    if (crlUrl != null) {
      builder.crlUrl(crlUrl);
    }
    return builder.build();
  }

  private Trust trust(OnlineRevocation.Builder online) {
    return Trust.of(TrustAnchors.of(pki.anchors()), rootCrl, MissingCrlPolicy.REFUSE)
        .withRevocationSource(online.build());
  }

  private Verdict verify(Trust trust, Issued client) {
    return trust.verify(client.chain(), Purpose.CLIENT, clock.instant());
  }

  @Test
  void accepts_a_client_its_ocsp_responder_calls_good_and_says_so_in_the_verdict() {
    Issued alice = client("alice", responder.ocspUrl(), null);
    Trust trust = trust(OnlineRevocation.builder().ocspFromCertificates());

    Verdict verdict = verify(trust, alice);

    assertThat(verdict.isTrusted()).isTrue();
    assertThat(verdict.revocation()).extracting(StatusCheck::index, StatusCheck::source, StatusCheck::location)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(0, StatusCheck.Source.OCSP, responder.ocspUrl()),
            org.assertj.core.groups.Tuple.tuple(1, StatusCheck.Source.CRL, "root.crl"));
    assertThat(verdict.validUntil()).get().matches(until -> !until.isAfter(clock.instant().plus(Duration.ofMinutes(5))));
    assertThat(responder.ocspRequests()).isEqualTo(1);
  }

  @Test
  void refuses_a_client_its_ocsp_responder_calls_revoked_naming_reason_and_responder() {
    Issued mallory = client("mallory", responder.ocspUrl(), null);
    responder.revoke(mallory.certificate(), TestRevocationServer.KEY_COMPROMISE);

    Verdict verdict = verify(trust(OnlineRevocation.builder().ocspFromCertificates()), mallory);

    assertThat(verdict.reason()).isEqualTo(Reason.REVOKED);
    assertThat(verdict.index()).isZero();
    assertThat(verdict.sentence()).contains("keyCompromise").contains(responder.ocspUrl());
  }

  @Test
  void refuses_a_client_its_responder_does_not_know() {
    Issued ghost = client("ghost", responder.ocspUrl(), null);
    responder.unknown(ghost.certificate());

    Verdict verdict = verify(trust(OnlineRevocation.builder().ocspFromCertificates()), ghost);

    assertThat(verdict.reason()).isEqualTo(Reason.REVOCATION_UNKNOWN);
    assertThat(verdict.sentence()).contains("does not know");
  }

  @Test
  void a_revocation_made_while_running_is_noticed_once_the_cached_answer_is_older_than_max_age() {
    Issued bob = client("bob", responder.ocspUrl(), null);
    Trust trust = trust(OnlineRevocation.builder().ocspFromCertificates().maxAge(Duration.ofSeconds(30)));
    assertThat(verify(trust, bob).isTrusted()).isTrue();

    responder.revoke(bob.certificate(), TestRevocationServer.KEY_COMPROMISE);
    clock.advance(Duration.ofSeconds(10));
    assertThat(verify(trust, bob).isTrusted()).as("still within the answer's cache period").isTrue();
    assertThat(responder.ocspRequests()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(21));
    assertThat(verify(trust, bob).reason()).isEqualTo(Reason.REVOKED);
    assertThat(responder.ocspRequests()).isEqualTo(2);
  }

  @Test
  void applies_a_crl_fetched_from_the_distribution_point_the_certificate_names() {
    Issued carol = client("carol", null, responder.crlUrl());
    Issued dave = client("dave", null, responder.crlUrl());
    responder.serveCrl(() -> pki.issuing.crl().revoke(dave.certificate()).build());
    Trust trust = trust(OnlineRevocation.builder().crlsFromCertificates());

    Verdict good = verify(trust, carol);
    Verdict revoked = verify(trust, dave);

    assertThat(good.isTrusted()).isTrue();
    assertThat(good.revocation().get(0).source()).isEqualTo(StatusCheck.Source.CRL);
    assertThat(good.revocation().get(0).location()).isEqualTo(responder.crlUrl());
    assertThat(revoked.reason()).isEqualTo(Reason.REVOKED);
    assertThat(responder.crlRequests()).as("one fetch serves both").isEqualTo(1);
  }

  @Test
  void a_client_revoked_while_running_is_refused_once_the_fetched_crl_is_older_than_max_age() {
    Issued erin = client("erin", null, responder.crlUrl());
    boolean[] revoked = {false};
    responder.serveCrl(() -> revoked[0] ? pki.issuing.crl().number(2).revoke(erin.certificate()).build()
        : pki.issuing.crl().number(1).build());
    Trust trust = trust(OnlineRevocation.builder().crlsFromCertificates().maxAge(Duration.ofSeconds(30)));
    assertThat(verify(trust, erin).isTrusted()).isTrue();

    revoked[0] = true;
    clock.advance(Duration.ofSeconds(31));

    assertThat(verify(trust, erin).reason()).isEqualTo(Reason.REVOKED);
  }

  @Test
  void a_dead_responder_refuses_under_hard_fail_without_waiting_for_a_timeout_each_time() throws Exception {
    String dead;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      dead = "http://127.0.0.1:" + socket.getLocalPort() + "/ocsp";
    }
    Trust trust = trust(OnlineRevocation.builder().ocspFromCertificates().timeout(Duration.ofMillis(500)));

    Verdict first = verify(trust, client("frank", dead, null));
    // Real time is the subject: a second handshake must not wait for a responder known to be down.
    long started = System.nanoTime();
    Verdict second = verify(trust, client("grace", dead, null));
    Duration waited = Duration.ofNanos(System.nanoTime() - started);

    assertThat(first.reason()).isEqualTo(Reason.REVOCATION_UNKNOWN);
    assertThat(first.sentence()).contains(dead).contains("hard-fail");
    assertThat(second.reason()).isEqualTo(Reason.REVOCATION_UNKNOWN);
    assertThat(waited).as("the responder is known to be down").isLessThan(Duration.ofMillis(200));
  }

  @Test
  void a_slow_responder_is_given_up_on_within_the_timeout() {
    responder.delay(Duration.ofSeconds(5));
    Trust trust = trust(OnlineRevocation.builder().ocspFromCertificates().timeout(Duration.ofMillis(300)));

    // Real time is the subject: the timeout bounds how long a handshake waits for a responder.
    long started = System.nanoTime();
    Verdict verdict = verify(trust, client("heidi", responder.ocspUrl(), null));
    Duration waited = Duration.ofNanos(System.nanoTime() - started);

    assertThat(verdict.reason()).isEqualTo(Reason.REVOCATION_UNKNOWN);
    assertThat(verdict.sentence()).contains("did not answer within 300 ms");
    assertThat(waited).isLessThan(Duration.ofMillis(1500));
  }

  @Test
  void soft_fail_accepts_a_client_whose_responder_fails_and_holds_only_until_it_is_asked_again() {
    responder.failing(true);
    Trust trust = trust(OnlineRevocation.builder().ocspFromCertificates().whenUnavailable(UnavailablePolicy.SOFT_FAIL)
        .retryAfter(Duration.ofSeconds(20)));

    Verdict verdict = verify(trust, client("ivan", responder.ocspUrl(), null));

    assertThat(verdict.isTrusted()).isTrue();
    assertThat(verdict.revocation().get(0).source()).isEqualTo(StatusCheck.Source.UNAVAILABLE);
    assertThat(verdict.notes()).anyMatch(note -> note.contains("soft-fail") && note.contains("HTTP 500"));
    assertThat(verdict.validUntil()).contains(clock.instant().plus(Duration.ofSeconds(20)));
  }

  @Test
  void soft_fail_says_so_once_per_issuer_however_many_clients_it_accepts() {
    responder.failing(true);
    Trust trust = trust(OnlineRevocation.builder().ocspFromCertificates().whenUnavailable(UnavailablePolicy.SOFT_FAIL));
    ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Trust.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> said =
        new ch.qos.logback.core.read.ListAppender<>();
    said.start();
    log.addAppender(said);
    try {
      for (String name : List.of("quinn", "rosa", "sam")) {
        assertThat(verify(trust, client(name, responder.ocspUrl(), null)).isTrusted()).isTrue();
      }
    } finally {
      log.detachAppender(said);
    }

    assertThat(said.list).hasSize(1);
    assertThat(said.list.get(0).getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
    assertThat(said.list.get(0).getFormattedMessage()).contains("\"CN=Test Issuing CA,O=mtls-reference test\"")
        .contains("soft-fail");
  }

  @Test
  void fetches_a_configured_crl_url_for_certificates_that_name_no_distribution_point() {
    Issued tara = client("tara", null, null);
    responder.serveCrl(() -> pki.issuing.crl().revoke(tara.certificate()).build());

    Verdict verdict = verify(trust(OnlineRevocation.builder().addCrlUrl(URI.create(responder.crlUrl()))), tara);

    assertThat(verdict.reason()).isEqualTo(Reason.REVOKED);
  }

  @Test
  void a_crl_that_cannot_be_refreshed_still_speaks_until_its_next_update() {
    Issued uma = client("uma", null, responder.crlUrl());
    responder.serveCrl(() -> pki.issuing.crl().build());
    Trust trust = trust(OnlineRevocation.builder().crlsFromCertificates().maxAge(Duration.ofSeconds(30)));
    assertThat(verify(trust, uma).isTrusted()).isTrue();

    responder.failing(true);
    clock.advance(Duration.ofSeconds(31));
    Verdict stillCurrent = verify(trust, uma);

    assertThat(stillCurrent.isTrusted()).isTrue();
    assertThat(responder.crlRequests()).as("asked again, and failed").isEqualTo(2);
  }

  @Test
  void an_answer_signed_by_a_stranger_is_not_a_good_answer() {
    Issued stranger = TestPki.named("CN=Other Root", "CN=Other Issuing").issuing.issue("CN=OCSP signer")
        .extendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning)
        .extension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck.getId(), false, DERNull.INSTANCE).build();
    responder.signedBy(stranger);

    Verdict verdict = verify(trust(OnlineRevocation.builder().ocspFromCertificates()),
        client("judy", responder.ocspUrl(), null));

    assertThat(verdict.reason()).isEqualTo(Reason.REVOCATION_UNKNOWN);
    assertThat(verdict.sentence()).contains("did not sign");
  }

  @Test
  void accepts_an_answer_from_a_delegated_responder_the_issuer_authorised() {
    Issued signer = pki.issuing.issue("CN=Test OCSP signer").extendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning)
        .extension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck.getId(), false, DERNull.INSTANCE).build();
    responder.signedBy(signer);

    assertThat(verify(trust(OnlineRevocation.builder().ocspFromCertificates()),
        client("ken", responder.ocspUrl(), null)).isTrusted()).isTrue();
  }

  @Test
  void refuses_an_answer_from_a_responder_certificate_not_authorised_for_ocsp_signing() {
    Issued notSigner = pki.issuing.issue("CN=Not an OCSP signer").client().build();
    responder.signedBy(notSigner);

    Verdict verdict = verify(trust(OnlineRevocation.builder().ocspFromCertificates()),
        client("leo", responder.ocspUrl(), null));

    assertThat(verdict.reason()).isEqualTo(Reason.REVOCATION_UNKNOWN);
    assertThat(verdict.sentence()).contains("not authorised for OCSP signing");
  }

  @Test
  void refuses_an_answer_carrying_another_nonce() {
    responder.echoNonce(false);

    Verdict verdict = verify(trust(OnlineRevocation.builder().ocspFromCertificates()),
        client("mia", responder.ocspUrl(), null));

    assertThat(verdict.reason()).isEqualTo(Reason.REVOCATION_UNKNOWN);
    assertThat(verdict.sentence()).contains("nonce");
  }

  @Test
  void never_asks_the_responder_a_certificate_from_an_untrusted_ca_names() {
    TestPki foreign = TestPki.named("CN=Foreign Root", "CN=Foreign Issuing");
    Issued intruder = foreign.issuing.issue("CN=intruder").client().ocspUrl(responder.ocspUrl())
        .crlUrl(responder.crlUrl()).build();

    Verdict verdict = verify(trust(OnlineRevocation.builder().ocspFromCertificates().crlsFromCertificates()),
        intruder);

    assertThat(verdict.reason()).isEqualTo(Reason.UNTRUSTED_ISSUER);
    assertThat(responder.ocspRequests() + responder.crlRequests()).isZero();
  }

  @Test
  void a_configured_responder_is_asked_about_certificates_that_name_none() {
    Issued nina = client("nina", null, null);

    Verdict verdict = verify(trust(OnlineRevocation.builder().ocspResponder(URI.create(responder.ocspUrl()))), nina);

    assertThat(verdict.isTrusted()).isTrue();
    assertThat(verdict.revocation().get(0).source()).isEqualTo(StatusCheck.Source.OCSP);
  }

  @Test
  void a_certificate_naming_no_source_falls_to_the_missing_crl_policy() {
    Verdict verdict = verify(trust(OnlineRevocation.builder().ocspFromCertificates()), client("olga", null, null));

    assertThat(verdict.reason()).isEqualTo(Reason.REVOCATION_UNKNOWN);
    assertThat(verdict.sentence()).contains("no OCSP responder or CRL distribution point applies")
        .contains("missing-crl: refuse");
  }

  @Test
  void a_stapled_response_answers_for_the_server_without_asking_anyone() {
    Issued server = pki.issuing.issue("CN=localhost").server().dns("localhost").build();
    Trust trust = Trust.of(TrustAnchors.of(pki.anchors()));

    Verdict good = trust.verify(server.chain(), Purpose.SERVER, clock.instant(),
        List.of(responder.responseFor(server.certificate())));
    responder.revoke(server.certificate(), TestRevocationServer.KEY_COMPROMISE);
    Verdict revoked = Trust.of(TrustAnchors.of(pki.anchors())).verify(server.chain(), Purpose.SERVER,
        clock.instant(), List.of(responder.responseFor(server.certificate())));

    assertThat(good.isTrusted()).isTrue();
    assertThat(good.revocation().get(0).source()).isEqualTo(StatusCheck.Source.STAPLED_OCSP);
    assertThat(revoked.reason()).isEqualTo(Reason.REVOKED);
    assertThat(revoked.sentence()).contains("stapled").contains("keyCompromise");
    assertThat(responder.ocspRequests()).isZero();
  }

  @Test
  void must_staple_refuses_a_server_that_stapled_nothing() {
    Issued server = pki.issuing.issue("CN=localhost").server().dns("localhost").build();
    Trust trust = Trust.of(TrustAnchors.of(pki.anchors())).requiringStapledOcsp(true);

    Verdict without = trust.verify(server.chain(), Purpose.SERVER, clock.instant(), List.of());
    Verdict with = trust.verify(server.chain(), Purpose.SERVER, clock.instant(),
        List.of(responder.responseFor(server.certificate())));

    assertThat(without.reason()).isEqualTo(Reason.MISSING_STAPLE);
    assertThat(without.sentence()).contains("must-staple");
    assertThat(with.isTrusted()).isTrue();
  }

  @Test
  void a_verdict_reached_with_a_good_staple_does_not_answer_for_a_later_revoked_or_missing_one() {
    Issued server = pki.issuing.issue("CN=localhost").server().dns("localhost").build();
    Trust trust = Trust.of(TrustAnchors.of(pki.anchors())).requiringStapledOcsp(true);
    byte[] good = responder.responseFor(server.certificate());
    responder.revoke(server.certificate(), TestRevocationServer.KEY_COMPROMISE);
    byte[] revoked = responder.responseFor(server.certificate());

    Verdict first = trust.verify(server.chain(), Purpose.SERVER, clock.instant(), List.of(good));
    Verdict thenRevoked = trust.verify(server.chain(), Purpose.SERVER, clock.instant(), List.of(revoked));
    Verdict thenNone = trust.verify(server.chain(), Purpose.SERVER, clock.instant(), List.of());

    assertThat(first.isTrusted()).isTrue();
    assertThat(thenRevoked.reason()).isEqualTo(Reason.REVOKED);
    assertThat(thenNone.reason()).isEqualTo(Reason.MISSING_STAPLE);
    assertThat(thenNone.sentence()).contains("must-staple");
  }

  @Test
  void an_answer_about_one_cas_certificate_never_stands_for_another_cas_with_the_same_key_and_serial() {
    // Another CA with the issuing CA's key but its own name: its CertIDs differ only in the issuer name hash.
    TestCa twin = pki.root.issue("CN=Twin Issuing CA,O=mtls-reference test").key(pki.issuing.keyPair()).ca(0)
        .buildCa();
    BigInteger serial = new BigInteger("6fc9a1", 16);
    Issued ours = pki.issuing.issue("CN=ours,O=mtls-reference test").serial(serial).ocspUrl(responder.ocspUrl())
        .build();
    Issued theirs = twin.issue("CN=theirs,O=mtls-reference test").serial(serial).ocspUrl(responder.ocspUrl())
        .build();
    Trust trust = trust(OnlineRevocation.builder().ocspFromCertificates());

    Verdict first = verify(trust, theirs);
    Verdict second = verify(trust, ours);

    assertThat(first.isTrusted()).as(first.describe()).isTrue();
    assertThat(second.isTrusted()).as(second.describe()).isTrue();
    assertThat(responder.ocspRequests()).as("one question per CertID").isEqualTo(2);
  }

  @Test
  void a_stale_answer_is_not_good() {
    responder.validity(Duration.ofMinutes(1));
    Issued pat = client("pat", responder.ocspUrl(), null);
    Trust trust = Trust.of(TrustAnchors.of(pki.anchors()));
    byte[] stapled = responder.responseFor(pat.certificate());

    Verdict later = trust.verify(pat.chain(), Purpose.CLIENT, Instant.now().plus(Duration.ofMinutes(2)),
        List.of(stapled));

    assertThat(later.isTrusted()).as("nothing configured: a stale staple only fails to vouch").isTrue();
    assertThat(later.revocation().get(0).source()).isEqualTo(StatusCheck.Source.NOT_CHECKED);
  }
}
