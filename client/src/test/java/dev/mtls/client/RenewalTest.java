package dev.mtls.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.renewal.RenewalEvent.Failed;
import dev.mtls.pki.material.renewal.RenewalEvent.Renewed;
import dev.mtls.pki.material.renewal.RenewalFailure;
import dev.mtls.pki.material.trust.TlsPolicy;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.TestEstServer;
import dev.mtls.testing.tls.TlsTestServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client renews its own certificate over EST (against the kit's small EST server; the real one, {@code pki
 * serve}, in the e2e tests): the server sees the new certificate on new connections, the old one while the CA is
 * down.
 */
class RenewalTest {
  private static final Cast PKI = Cast.create();
  private final Recorder<Object> events = new Recorder<>();
  private final TestEstServer est = TestEstServer.start(PKI.issuing, PKI.server, PKI.anchors(), Duration.ofHours(1));
  private TlsTestServer server;

  @TempDir
  Path dir;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    est.close();
  }

  @Test
  void presents_the_renewed_certificate_on_new_connections_once_the_ca_is_back() throws Exception {
    server = TlsTestServer.start(PKI.server, PKI.anchors(), TlsPolicy.PROTOCOLS);
    Instant now = Instant.now();
    Issued old = PKI.issuing.issue("CN=alice,OU=orders")
        .validity(now.minus(Duration.ofMinutes(45)), now.plus(Duration.ofMinutes(15))).build();
    Issued.PemFiles files = old.writePem(dir, "tls");
    est.down(true);

    try (MtlsClient client = client().identityPem(files.chain(), files.key(), null).renewFrom(est.uri()).build()) {
      assertThat(events.awaitFirst(Failed.class).reason()).isEqualTo(RenewalFailure.UNAVAILABLE);
      assertThat(client.get(server.url("/orders")).status()).isEqualTo(200);
      assertThat(server.clientSerials).last().isEqualTo(old.certificate().getSerialNumber());

      est.down(false);
      Renewed renewed = events.awaitFirst(Renewed.class);

      assertThat(renewed.oldSerial()).isEqualTo(old.certificate().getSerialNumber());
      assertThat(client.certificate()).hasValueSatisfying(
          certificate -> assertThat(certificate.getSerialNumber()).isEqualTo(renewed.newSerial()));
      assertThat(client.get(server.url("/orders")).status()).isEqualTo(200);
      assertThat(server.clientSerials).last().isEqualTo(renewed.newSerial());
      assertThat(events.all(FailedRequest.class)).isEmpty();
    }
  }

  @Test
  void refuses_to_renew_an_identity_that_is_not_in_pem_files() {
    MtlsClientBuilder builder = client().identity(dev.mtls.pki.material.Identity.of(PKI.alice.privateKey(),
        PKI.alice.chain())).renewFrom(est.uri());

    assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("renewFrom needs our identity as PEM files");
  }

  @Test
  void refuses_a_renewal_source_that_is_not_https() {
    assertThatThrownBy(() -> client().renewFrom(URI.create("http://localhost:8080")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
  }

  private MtlsClientBuilder client() {
    return MtlsClient.builder().trust(TrustAnchors.of(PKI.anchors())).reloadInterval(Duration.ZERO)
        .listener(ClientListener.forwardingTo(events));
  }
}
