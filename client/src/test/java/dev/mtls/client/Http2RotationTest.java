package dev.mtls.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.TlsPolicy;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.MutableClock;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.tls.H2TestServer;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over HTTP/2, where one connection carries every request: our material rotated while streams run, the old
 * connection retired gracefully, and a connection whose verdict on the server expired no longer lent.
 */
class Http2RotationTest {
  private static final Cast PKI = Cast.create();
  private final Recorder<Object> events = new Recorder<>();
  private H2TestServer server;

  @TempDir
  Path dir;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void rotates_its_certificate_while_streams_run_without_failing_one() throws Exception {
    server = H2TestServer.start(PKI.server, PKI.anchors(), TlsPolicy.PROTOCOLS);
    Path chain = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    PKI.alice.installPem(chain, key);
    Issued renewed = PKI.issuing.client("CN=alice,OU=orders");
    try (MtlsClient client = client().identityPem(chain, key, null).build()) {
      Load load = new Load(client, 8);
      load.until(100);
      renewed.installPem(chain, key);
      assertThat(client.reload()).singleElement().satisfies(event -> assertThat(event.applied()).isTrue());
      load.until(load.ok.get() + 200);
      load.drain();

      assertThat(events.all(FailedRequest.class)).isEmpty();
      assertThat(client.handshakes()).as("one connection per generation").isEqualTo(2);
    }
    BigInteger oldSerial = PKI.alice.certificate().getSerialNumber();
    BigInteger newSerial = renewed.certificate().getSerialNumber();
    assertThat(server.clientSerials).containsExactly(oldSerial, newSerial);
    assertThat(events.all(ClientHandshake.class)).extracting(ClientHandshake::generation, ClientHandshake::ourCertificate)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, PKI.alice.certificate()),
            org.assertj.core.groups.Tuple.tuple(2L, renewed.certificate()));
  }

  @Test
  void the_connection_of_the_old_certificate_closes_once_its_streams_have_ended() throws Exception {
    server = H2TestServer.start(PKI.server, PKI.anchors(), TlsPolicy.PROTOCOLS);
    Path chain = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    PKI.alice.installPem(chain, key);
    try (MtlsClient client = client().identityPem(chain, key, null).build()) {
      // A stream still running on the old connection when the certificate changes.
      var slow = client.sendAsync("GET", URI.create(server.url("/slow/500")), null, null);
      assertThat(client.get(server.url("/")).bodyText()).startsWith("hello CN=alice,OU=admins");
      PKI.bob.installPem(chain, key);
      client.reload();

      assertThat(client.get(server.url("/")).bodyText()).startsWith("hello CN=bob,OU=readers");
      assertThat(slow.get().status()).as("the old connection's stream finished").isEqualTo(200);
      Eventually.within(Duration.ofSeconds(10)).until("the old connection closed",
          () -> server.closedConnections.get() == 1);
      assertThat(client.get(server.url("/")).bodyText()).startsWith("hello CN=bob,OU=readers");
    }
    assertThat(server.connections()).isEqualTo(2);
    assertThat(events.all(FailedRequest.class)).isEmpty();
  }

  @Test
  void a_connection_is_not_lent_past_the_expiry_of_its_server_certificate() throws Exception {
    Instant now = Instant.now();
    Issued expiringSoon = PKI.issuing.issue("CN=localhost").server()
        .validity(now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofHours(1))).build();
    server = H2TestServer.start(expiringSoon, PKI.anchors(), List.of("TLSv1.3"));
    MutableClock clock = new MutableClock(now);
    try (MtlsClient client = client().identity(Identity.of(PKI.alice.privateKey(), PKI.alice.chain())).clock(clock)
        .build()) {
      var inFlight = client.sendAsync("GET", URI.create(server.url("/slow/300")), null, null);
      assertThat(client.get(server.url("/")).status()).isEqualTo(200);
      clock.set(expiringSoon.certificate().getNotAfter().toInstant().plusSeconds(1));

      // The connection is open and busy, but its verdict on the server has expired: a new connection, whose
      // (resumed) session the trust core judges again, refuses the server.
      assertThatThrownBy(() -> client.get(server.url("/"))).isInstanceOfSatisfying(MtlsException.class,
          e -> assertThat(e.getDiagnosis().reason()).isEqualTo(Reason.EXPIRED));
      assertThat(inFlight.get().status()).isEqualTo(200);
      assertThat(client.handshakes()).isEqualTo(2);
    }
  }

  private MtlsClientBuilder client() {
    return MtlsClient.builder().trust(TrustAnchors.of(PKI.anchors())).reloadInterval(Duration.ZERO)
        .httpVersion(HttpVersion.HTTP_2).listener(ClientListener.forwardingTo(events));
  }

  /** Keeps {@code streams} requests in flight from one thread, each answered one starting the next. */
  private final class Load {
    final MtlsClient client;
    final Semaphore slots;
    final int streams;
    final AtomicInteger ok = new AtomicInteger();

    Load(MtlsClient client, int streams) {
      this.client = client;
      this.streams = streams;
      this.slots = new Semaphore(streams);
    }

    /** Sends until {@code target} requests have succeeded in all. */
    void until(int target) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (ok.get() < target) {
        assertThat(System.nanoTime()).as("%d successful requests within 30 s", target).isLessThan(deadline);
        if (slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          client.sendAsync("GET", URI.create(server.url("/orders")), null, null).whenComplete((response, failure) -> {
            if (response != null && response.status() == 200) {
              ok.incrementAndGet();
            }
            slots.release();
          });
        }
      }
    }

    /** Waits for the requests still in flight. */
    void drain() throws InterruptedException {
      assertThat(slots.tryAcquire(streams, 30, TimeUnit.SECONDS)).isTrue();
    }
  }
}
