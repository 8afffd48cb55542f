package dev.mtls.pki.material.trust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.testing.MutableClock;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.TestPki;
import dev.mtls.testing.pki.TestRevocationServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A verdict on a server answers for the status answer of its own handshake only: the cache never lets an earlier
 * stapled "good" speak for a handshake that staples nothing or "revoked"; and a certificate whose TLS Feature
 * extension asks for a staple (must-staple, RFC 7633) is refused without one, whatever the client's settings.
 */
class StapledAnswersTest {
  private final TestPki pki = TestPki.create();
  private final TestRevocationServer responder = TestRevocationServer.start(pki.issuing);
  private final MutableClock clock = MutableClock.now();
  private final Trust trust = Trust.of(TrustAnchors.of(pki.anchors()));

  @AfterEach
  void stop() {
    responder.close();
  }

  private Verdict handshake(Issued server, byte[]... stapled) {
    return trust.verify(server.chain(), Purpose.SERVER, clock.instant(), List.of(stapled));
  }

  @Test
  void refuses_a_must_staple_server_certificate_that_comes_without_a_staple() {
    Issued server = pki.issuing.issue("CN=localhost").server().mustStaple().build();

    Verdict without = handshake(server);
    Verdict with = handshake(server, responder.responseFor(server.certificate()));

    assertThat(without.reason()).as(without.describe()).isEqualTo(Reason.MISSING_STAPLE);
    assertThat(without.sentence()).contains("TLS Feature").contains("must-staple");
    assertThat(with.isTrusted()).as(with.describe()).isTrue();
  }

  @Test
  void a_must_staple_certificate_is_for_servers_a_client_certificate_with_it_is_judged_as_usual() {
    Issued client = pki.issuing.issue("CN=alice").client().mustStaple().build();

    Verdict verdict = trust.verify(client.chain(), Purpose.CLIENT, clock.instant());

    assertThat(verdict.isTrusted()).as("a JSSE server cannot ask a client for a staple").isTrue();
  }

  @Test
  void a_stapled_good_answers_neither_for_a_later_handshake_without_staple_nor_for_one_stapling_revoked() {
    Issued server = pki.issuing.issue("CN=localhost").server().mustStaple().build();
    byte[] good = responder.responseFor(server.certificate());
    responder.revoke(server.certificate(), TestRevocationServer.KEY_COMPROMISE);
    byte[] revoked = responder.responseFor(server.certificate());

    Verdict first = handshake(server, good);
    Verdict thenNone = handshake(server);
    Verdict thenRevoked = handshake(server, revoked);
    Verdict goodAgain = handshake(server, good);

    assertThat(first.isTrusted()).as(first.describe()).isTrue();
    assertThat(thenNone.reason()).as(thenNone.describe()).isEqualTo(Reason.MISSING_STAPLE);
    assertThat(thenRevoked.reason()).as(thenRevoked.describe()).isEqualTo(Reason.REVOKED);
    assertThat(goodAgain).as("the same staple is the same question").isSameAs(first);
  }

  @Test
  void without_must_staple_a_handshake_stapling_nothing_after_a_good_staple_is_judged_on_its_own() {
    Issued server = pki.issuing.issue("CN=localhost").server().build();

    Verdict stapled = handshake(server, responder.responseFor(server.certificate()));
    Verdict none = handshake(server);

    assertThat(stapled.revocation().get(0).source()).isEqualTo(StatusCheck.Source.STAPLED_OCSP);
    assertThat(none.isTrusted()).isTrue();
    assertThat(none.revocation()).as("nothing configured: not checked, not the earlier staple")
        .extracting(StatusCheck::source).doesNotContain(StatusCheck.Source.STAPLED_OCSP);
    assertThat(none.notes()).anyMatch(note -> note.contains("revocation not checked"));
  }
}
