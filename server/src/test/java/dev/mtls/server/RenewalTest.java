package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.renewal.RenewalEvent.Failed;
import dev.mtls.pki.material.renewal.RenewalEvent.Renewed;
import dev.mtls.pki.material.renewal.RenewalFailure;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.TestEstServer;
import dev.mtls.testing.tls.TlsProbe;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server renews its own certificate over EST (against the kit's small EST server; the real one, {@code pki
 * serve}, in the e2e tests): new connections present the new certificate, open ones keep working, and while the CA
 * is down or refuses the current certificate serves.
 */
class RenewalTest {
  final ServerFixture pki = new ServerFixture();
  final TestEstServer est = TestEstServer.start(pki.issuing, pki.server, pki.pki.anchors(), Duration.ofHours(1));
  final Recorder<Object> events = new Recorder<>();
  @TempDir Path dir;
  MtlsServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    est.close();
  }

  @Test
  void serves_the_renewed_certificate_on_new_connections_and_keeps_open_ones_while_the_ca_comes_back()
      throws Exception {
    Issued old = twoThirdsThrough();
    est.down(true);
    server = start(old);
    assertThat(events.awaitFirst(Failed.class).reason()).isEqualTo(RenewalFailure.UNAVAILABLE);
    TlsProbe alice = pki.clientFor(pki.alice);

    try (TlsProbe.Connection open = alice.connect(server.port())) {
      assertThat(open.request("GET", "/whoami").status()).isEqualTo(200);
      assertThat(servedSerial(open.session().getPeerCertificates()[0])).isEqualTo(old.certificate().getSerialNumber());

      est.down(false);
      Renewed renewed = events.awaitFirst(Renewed.class);

      assertThat(renewed.oldSerial()).isEqualTo(old.certificate().getSerialNumber());
      assertThat(server.identity().certificate().getSerialNumber()).isEqualTo(renewed.newSerial());
      TlsProbe.Response fresh = pki.clientFor(pki.alice).get(server.port(), "/whoami");
      assertThat(fresh.status()).isEqualTo(200);
      assertThat(servedSerial(fresh.session().getPeerCertificates()[0])).isEqualTo(renewed.newSerial());
      assertThat(open.request("GET", "/whoami").status()).isEqualTo(200);
    }
    assertThat(server.meterRegistry().get("mtls.certificate.renewals").tag("outcome", "renewed").counter().count())
        .isEqualTo(1);
    assertThat(server.meterRegistry().get("mtls.certificate.renewals").tag("outcome", "unavailable").counter()
        .count()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void reports_a_refused_renewal_and_keeps_serving_the_current_certificate() throws Exception {
    Issued old = twoThirdsThrough();
    est.revoke(old.certificate().getSerialNumber());

    server = start(old);

    Failed failed = events.awaitFirst(Failed.class);
    assertThat(failed.reason()).isEqualTo(RenewalFailure.REFUSED);
    assertThat(failed.message()).contains("revoked");
    assertThat(server.identity().certificate()).isEqualTo(old.certificate());
    assertThat(pki.clientFor(pki.alice).get(server.port(), "/whoami").status()).isEqualTo(200);
  }

  @Test
  void refuses_to_renew_an_identity_that_is_not_in_pem_files() {
    MtlsServerBuilder builder = pki.serverBuilder().renewFrom(est.uri());

    assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("renewFrom needs the identity as PEM files");
  }

  @Test
  void refuses_a_renewal_source_that_is_not_https() {
    assertThatThrownBy(() -> pki.serverBuilder().renewFrom(URI.create("http://localhost:8080")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
  }

  @Test
  void close_stops_the_renewal_thread() {
    server = start(pki.server);
    Eventually.await("the renewal thread runs", () -> renewalThreads() == 1);

    server.close();

    Eventually.await("the renewal thread ends", () -> renewalThreads() == 0);
  }

  private Issued twoThirdsThrough() {
    Instant now = Instant.now();
    return pki.issuing.issue("CN=localhost,O=mtls-reference test").server()
        .validity(now.minus(Duration.ofMinutes(45)), now.plus(Duration.ofMinutes(15))).build();
  }

  private MtlsServer start(Issued identity) {
    Issued.PemFiles files = identity.writePem(dir, "tls");
    return pki.serverBuilder().identityPem(files.chain(), files.key(), null).renewFrom(est.uri())
        .listener(ServerListener.forwardingTo(events)).build().start();
  }

  private static long renewalThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().equals("mtls-renewal") && thread.isAlive()).count();
  }

  private static BigInteger servedSerial(java.security.cert.Certificate certificate) {
    return ((X509Certificate) certificate).getSerialNumber();
  }
}
