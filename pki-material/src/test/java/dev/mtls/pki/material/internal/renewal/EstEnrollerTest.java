package dev.mtls.pki.material.internal.renewal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.renewal.RenewalFailure;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.TestCa;
import dev.mtls.testing.pki.TestEstServer;
import dev.mtls.testing.pki.TestPki;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The BouncyCastle EST adapter against the kit's small EST server: proves the wire format (base64 PKCS#10 in,
 * certs-only PKCS#7 out), mutual TLS with the current identity, the server's trust and hostname checks, and how
 * answers map to reasons. The CA's own policy is proven against {@code pki serve} in the e2e tests.
 */
class EstEnrollerTest {
  private static final Duration LIFETIME = Duration.ofHours(1);
  private final TestPki pki = TestPki.create();
  private final Issued client = pki.client("CN=renewing,O=mtls-reference test");
  private TestEstServer est;

  @AfterEach
  void stop() {
    if (est != null) {
      est.close();
    }
  }

  @Test
  void reenrolls_over_mutual_tls_with_the_current_identity() throws Exception {
    est = TestEstServer.start(pki.issuing, pki.server, pki.anchors(), LIFETIME);
    RenewalRequest request = RenewalRequest.like(client.certificate());

    List<X509Certificate> answer = enroller(est.uri()).reenroll(request.csr(), current());

    assertThat(answer).hasSize(1);
    assertThat(answer.get(0).getPublicKey().getEncoded()).isEqualTo(request.keyPair().getPublic().getEncoded());
    assertThat(answer.get(0).getSubjectX500Principal()).isEqualTo(client.certificate().getSubjectX500Principal());
    assertThat(est.issued).containsExactly(answer.get(0).getSerialNumber());
  }

  @Test
  void reports_a_refusal_with_the_reason_the_ca_gave() {
    est = TestEstServer.start(pki.issuing, pki.server, pki.anchors(), LIFETIME);
    est.revoke(client.certificate().getSerialNumber());

    assertFails(() -> enroller(est.uri()).reenroll(RenewalRequest.like(client.certificate()).csr(), current()),
        RenewalFailure.REFUSED, "HTTP 403", "the certificate is revoked");
  }

  @Test
  void reports_a_ca_that_is_down_as_unavailable() {
    est = TestEstServer.start(pki.issuing, pki.server, pki.anchors(), LIFETIME);
    est.down(true);

    assertFails(() -> enroller(est.uri()).reenroll(RenewalRequest.like(client.certificate()).csr(), current()),
        RenewalFailure.UNAVAILABLE, "HTTP 503");
  }

  @Test
  void reports_a_ca_that_does_not_listen_as_unavailable() {
    est = TestEstServer.start(pki.issuing, pki.server, pki.anchors(), LIFETIME);
    URI gone = est.uri();
    est.close();

    assertFails(() -> enroller(gone).reenroll(RenewalRequest.like(client.certificate()).csr(), current()),
        RenewalFailure.UNAVAILABLE, "cannot reach");
  }

  @Test
  void gives_up_connecting_within_its_timeout() throws Exception {
    // A listener that never accepts, with its queue full: Linux drops further SYNs, so a connect would wait for the
    // operating system's limit (minutes) without a timeout of its own.
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Socket> queued = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          Socket socket = new Socket();
          try {
            socket.connect(silent.getLocalSocketAddress(), 200);
            queued.add(socket);
          } catch (IOException full) {
            socket.close();
          }
        }
        URI unanswered = URI.create("https://localhost:" + silent.getLocalPort());
        EstEnroller enroller = new EstEnroller(unanswered, () -> Trust.of(TrustAnchors.of(pki.anchors())),
            Clock.systemUTC(), Duration.ofMillis(500));
        long start = System.nanoTime();

        assertFails(() -> enroller.reenroll(RenewalRequest.like(client.certificate()).csr(), current()),
            RenewalFailure.UNAVAILABLE, "cannot reach");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      } finally {
        for (Socket socket : queued) {
          socket.close();
        }
      }
    }
  }

  @Test
  void sends_nothing_to_a_server_our_trust_does_not_accept() {
    TestCa foreign = TestCa.root("CN=Foreign Root,O=elsewhere");
    est = TestEstServer.start(pki.issuing, foreign.issue("CN=localhost").server().build(), pki.anchors(), LIFETIME);

    assertFails(() -> enroller(est.uri()).reenroll(RenewalRequest.like(client.certificate()).csr(), current()),
        RenewalFailure.UNAVAILABLE, "cannot reach");
    assertThat(est.issued).isEmpty();
  }

  @Test
  void sends_nothing_to_a_server_the_uri_does_not_name() {
    Issued elsewhere = pki.issuing.issue("CN=elsewhere.test")
        .extendedKeyUsage(org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_serverAuth).dns("elsewhere.test").build();
    est = TestEstServer.start(pki.issuing, elsewhere, pki.anchors(), LIFETIME);

    assertFails(() -> enroller(est.uri()).reenroll(RenewalRequest.like(client.certificate()).csr(), current()),
        RenewalFailure.UNAVAILABLE, "cannot reach");
    assertThat(est.issued).isEmpty();
  }

  @Test
  void accepts_only_est_base_urls() {
    assertThat(EstEnroller.check(URI.create("https://ca.test:8444/.well-known/est/clients"))).isNotNull();
    for (String bad : List.of("http://ca.test", "https://ca.test/est", "https://ca.test/.well-known/est/a/b",
        "https://user@ca.test")) {
      assertThatThrownBy(() -> EstEnroller.check(URI.create(bad))).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad);
    }
  }

  private Identity current() {
    return Identity.of(client.privateKey(), client.chain());
  }

  private EstEnroller enroller(URI uri) {
    return new EstEnroller(uri, () -> Trust.of(TrustAnchors.of(pki.anchors())), Clock.systemUTC(),
        Duration.ofSeconds(5));
  }

  private static void assertFails(ThrowingCallable call, RenewalFailure reason, String... words) {
    assertThatThrownBy(call).isInstanceOfSatisfying(EnrolmentException.class, e -> {
      assertThat(e.reason()).isEqualTo(reason);
      assertThat(e.getMessage()).contains(Arrays.asList(words));
    });
  }
}
