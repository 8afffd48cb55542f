package dev.mtls.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.reload.MaterialEvent;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.TlsPolicy;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.Pems;
import dev.mtls.testing.tls.TlsProbe;
import dev.mtls.testing.tls.TlsTestServer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's own material from files: rotated while requests run, refused when broken, or given as an SSLContext. */
class RotationTest {
  private static final Cast PKI = Cast.create();
  private final Recorder<Object> events = new Recorder<>();
  private TlsTestServer server;

  @TempDir
  Path dir;

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void rotates_its_certificate_while_requests_run_without_failing_one() throws Exception {
    server = TlsTestServer.start(PKI.server, PKI.anchors(), TlsPolicy.PROTOCOLS);
    Path chain = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    PKI.alice.installPem(chain, key);
    Issued renewed = PKI.issuing.client("CN=alice,OU=orders");
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(3);
    try (MtlsClient client = client().identityPem(chain, key, null).build()) {
      List<Future<?>> loops = List.of(threads.submit(() -> requestUntilStopped(client, running, ok)),
          threads.submit(() -> requestUntilStopped(client, running, ok)),
          threads.submit(() -> requestUntilStopped(client, running, ok)));
      awaitAtLeast(ok, 50);

      renewed.installPem(chain, key);
      List<MaterialEvent> reload = client.reload();
      int atRotation = ok.get();
      awaitAtLeast(ok, atRotation + 100);
      running.set(false);
      for (Future<?> loop : loops) {
        loop.get();
      }

      assertThat(events.all(FailedRequest.class)).isEmpty();
      assertThat(reload).singleElement().satisfies(event -> assertThat(event.applied()).isTrue());
      assertThat(client.certificate()).contains(renewed.certificate());
      assertThat(events.all(ClientHandshake.class)).filteredOn(h -> h.generation() == 2).isNotEmpty()
          .allSatisfy(h -> assertThat(h.ourCertificate()).isEqualTo(renewed.certificate()));
      assertThat(events.all(ClientHandshake.class)).filteredOn(h -> h.generation() == 1)
          .allSatisfy(h -> assertThat(h.ourCertificate()).isEqualTo(PKI.alice.certificate()));
    } finally {
      threads.shutdownNow();
    }
    BigInteger newSerial = renewed.certificate().getSerialNumber();
    List<BigInteger> seen = server.clientSerials;
    BigInteger oldSerial = PKI.alice.certificate().getSerialNumber();
    assertThat(seen).contains(oldSerial, newSerial);
    // Once the new certificate is in use, no connection presents the old one again, except handshakes each of the
    // three request threads had already begun with the old material (the server records handshakes as they
    // finish, and a new one can finish first); the client's events above show each handshake's material exactly.
    assertThat(seen.subList(seen.indexOf(newSerial), seen.size())).filteredOn(oldSerial::equals).hasSizeLessThan(3);
    assertThat(seen.get(seen.size() - 1)).isEqualTo(newSerial);
  }

  @Test
  void pooled_connections_of_the_old_certificate_drain_and_are_not_resumed() throws Exception {
    server = TlsTestServer.start(PKI.server, PKI.anchors(), TlsPolicy.PROTOCOLS);
    Path chain = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    PKI.alice.installPem(chain, key);
    try (MtlsClient client = client().identityPem(chain, key, null).build()) {
      client.get(server.url("/orders"));
      PKI.bob.installPem(chain, key);
      client.reload();

      MtlsResponse response = client.get(server.url("/orders"));

      assertThat(response.bodyText()).isEqualTo("hello CN=bob,OU=readers,O=mtls-reference test");
      assertThat(response.tls().newConnection()).isTrue();
      assertThat(events.all(ClientHandshake.class)).last().satisfies(h -> assertThat(h.resumed()).isFalse());
    }
    assertThat(server.fullHandshakes.get()).isEqualTo(2);
  }

  @Test
  void a_broken_replacement_is_refused_and_the_certificate_in_service_stays() throws Exception {
    server = TlsTestServer.start(PKI.server, PKI.anchors(), TlsPolicy.PROTOCOLS);
    Path chain = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    PKI.alice.installPem(chain, key);
    try (MtlsClient client = client().identityPem(chain, key, null).build()) {
      Files.writeString(chain, Pems.of(PKI.bob.chain()));

      List<MaterialEvent> reload = client.reload();

      assertThat(reload).singleElement().satisfies(event -> {
        assertThat(event.applied()).isFalse();
        assertThat(event.detail()).contains("does not match");
      });
      assertThat(client.certificate()).contains(PKI.alice.certificate());
      assertThat(client.get(server.url("/orders")).bodyText()).isEqualTo("hello CN=alice,OU=admins,O=mtls-reference test");
    }
  }

  @Test
  void an_expired_replacement_is_refused() throws Exception {
    Path chain = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    PKI.alice.installPem(chain, key);
    try (MtlsClient client = client().identityPem(chain, key, null).build()) {
      PKI.expired.installPem(chain, key);

      assertThat(client.reload()).singleElement().satisfies(event -> assertThat(event.applied()).isFalse());
      assertThat(client.certificate()).contains(PKI.alice.certificate());
    }
  }

  @Test
  void new_trust_anchors_apply_to_the_next_connection() throws Exception {
    server = TlsTestServer.start(PKI.server, PKI.anchors(), TlsPolicy.PROTOCOLS);
    Path anchors = Files.writeString(dir.resolve("ca.crt"), Pems.of(PKI.foreignRoot.certificate()));
    try (MtlsClient client = MtlsClient.builder().identity(Identity.of(PKI.alice.privateKey(), PKI.alice.chain())).trustPem(anchors)
        .reloadInterval(Duration.ZERO).listener(ClientListener.forwardingTo(events)).build()) {
      assertThatThrownBy(() -> client.get(server.url("/orders"))).isInstanceOfSatisfying(MtlsException.class,
          e -> assertThat(e.getDiagnosis().reason()).isEqualTo(Reason.UNTRUSTED_ISSUER));

      replace(anchors, Pems.of(PKI.root.certificate()));
      client.reload();

      assertThat(client.get(server.url("/orders")).status()).isEqualTo(200);
    }
    assertThat(events.all(FailedRequest.class)).singleElement()
        .satisfies(f -> assertThat(f.diagnosis().reason()).isEqualTo(Reason.UNTRUSTED_ISSUER));
    assertThat(events.all(MaterialEvent.class)).extracting(MaterialEvent::applied).containsExactly(true, true);
  }

  @Test
  void a_given_ssl_context_is_used_with_the_host_name_check_still_on() throws Exception {
    SSLContext own = TlsPolicy.context(Identity.of(PKI.alice.privateKey(), PKI.alice.chain()).keyManager(),
        TlsProbe.trustManager(PKI.anchors()));
    server = TlsTestServer.start(PKI.server, PKI.anchors(), TlsPolicy.PROTOCOLS);
    try (MtlsClient client = MtlsClient.builder().sslContext(own).listener(ClientListener.forwardingTo(events)).build()) {
      assertThat(client.get(server.url("/orders")).bodyText()).isEqualTo("hello CN=alice,OU=admins,O=mtls-reference test");
    }
    server.close();
    server = TlsTestServer.start(PKI.otherHostServer, PKI.anchors(), TlsPolicy.PROTOCOLS);
    try (MtlsClient client = MtlsClient.builder().sslContext(own).build()) {
      assertThatThrownBy(() -> client.get(server.url("/orders"))).isInstanceOf(MtlsException.class);
    }
    assertThat(server.handshakes.get()).isZero();
  }

  @Test
  void an_ssl_context_and_an_identity_together_are_refused() {
    SSLContext own = TlsPolicy.context(Identity.of(PKI.alice.privateKey(), PKI.alice.chain()).keyManager(), null);
    assertThatThrownBy(() -> MtlsClient.builder().sslContext(own).identity(Identity.of(PKI.alice.privateKey(), PKI.alice.chain())).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("not both");
  }

  @Test
  void a_client_without_any_trust_is_refused_unless_it_asks_for_the_system_store() {
    assertThatThrownBy(() -> MtlsClient.builder().identity(Identity.of(PKI.alice.privateKey(), PKI.alice.chain())).build())
        .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("no trust for servers");
    MtlsClient.builder().trust(dev.mtls.pki.material.trust.Trust.system()).build().close();
  }

  @Test
  void crl_files_without_trust_anchors_are_refused() {
    assertThatThrownBy(() -> MtlsClient.builder().addCrlFile(dir.resolve("crl.pem")).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("need trust anchors");
  }

  @Test
  void each_request_and_handshake_arrives_as_a_typed_event() throws Exception {
    server = TlsTestServer.start(PKI.server, PKI.anchors(), TlsPolicy.PROTOCOLS);
    try (MtlsClient client = client().identity(Identity.of(PKI.alice.privateKey(), PKI.alice.chain())).build()) {
      client.get(server.url("/orders"));
      client.get(server.url("/status/404"));
    }
    assertThat(events.all(ClientHandshake.class)).singleElement().satisfies(h -> {
      assertThat(h.serverCertificate()).isEqualTo(PKI.server.certificate());
      assertThat(h.serverVerdict().isTrusted()).isTrue();
      assertThat(h.serverVerdict().leaf()).contains(PKI.server.certificate());
      assertThat(h.ourCertificate()).isEqualTo(PKI.alice.certificate());
      assertThat(h.generation()).isEqualTo(1);
    });
    assertThat(events.all(CompletedRequest.class)).extracting(CompletedRequest::status, CompletedRequest::newConnection)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(200, true),
            org.assertj.core.groups.Tuple.tuple(404, false));
  }

  private MtlsClientBuilder client() {
    return MtlsClient.builder().trust(TrustAnchors.of(PKI.anchors())).reloadInterval(Duration.ZERO).listener(ClientListener.forwardingTo(events));
  }

  private void requestUntilStopped(MtlsClient client, AtomicBoolean running, AtomicInteger ok) {
    while (running.get()) {
      try {
        if (client.get(server.url("/orders")).status() == 200) {
          ok.incrementAndGet();
        }
      } catch (MtlsException e) {
        // Recorded by the listener as a FailedRequest; the test asserts there is none.
      }
    }
  }

  private static void awaitAtLeast(AtomicInteger counter, int target) {
    Eventually.within(Duration.ofSeconds(20)).until(target + " successful requests", () -> counter.get() >= target);
  }

  private static void replace(Path file, String content) throws Exception {
    Path next = file.resolveSibling(file.getFileName() + ".next");
    Files.writeString(next, content);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
