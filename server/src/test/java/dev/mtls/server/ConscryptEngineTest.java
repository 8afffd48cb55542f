package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mtls.pki.material.revocation.OnlineRevocation;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.Verdict;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.TestPki;
import dev.mtls.testing.tls.TlsProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The server with {@code tls-engine conscrypt}: BoringSSL speaks TLS 1.3, the project's trust manager still decides,
 * every refusal is a typed event, each connection's native state is freed when it closes, and the configurations
 * the engine cannot serve within the policy are refused before the server starts. Isolated: it counts the
 * process's open file descriptors.
 */
@Isolated
class ConscryptEngineTest {
  static final ServerFixture pki = new ServerFixture();
  static final Recorder<Object> events = new Recorder<>();
  static MtlsServer server;

  @BeforeAll
  static void start() {
    ServerFixture.assumeConscryptLoads();
    server = pki.serverBuilder().tlsEngine(TlsEngine.CONSCRYPT).protocols(List.of("TLSv1.3"))
        .listener(ServerListener.forwardingTo(events)).build().start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void forgetEarlierEvents() {
    events.clear();
  }

  @Test
  void serves_a_trusted_client_over_tls13_on_boringssl() throws IOException {
    TlsProbe.Response response = pki.clientFor(pki.alice).get(server.port(), "/whoami");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).contains("CN=alice,OU=admins,O=Demo");
    assertThat(response.session().getProtocol()).isEqualTo("TLSv1.3");
    AcceptedHandshake handshake = events.awaitOnly(AcceptedHandshake.class);
    assertThat(handshake.protocol()).isEqualTo("TLSv1.3");
    assertThat(handshake.resumed()).isFalse();
  }

  @Test
  void rejects_client_without_certificate() {
    assertThat(refused(pki.anonymousClient()).reason()).isEqualTo(Reason.NO_CERTIFICATE);
  }

  @Test
  void rejects_client_signed_by_foreign_ca_with_the_trust_cores_own_verdict() {
    Issued eve = TestPki.named("CN=Foreign Root,O=Elsewhere", "CN=Foreign Issuing CA,O=Elsewhere")
        .client("CN=eve,OU=admins,O=Demo");

    Verdict verdict = refused(pki.clientFor(eve));

    assertThat(verdict.reason()).isEqualTo(Reason.UNTRUSTED_ISSUER);
    assertThat(verdict.sentence()).contains("which is not a trust anchor here");
  }

  @Test
  void rejects_expired_client_certificate() {
    Issued old = pki.issuing.issue("CN=old,OU=readers,O=Demo").expired().build();

    assertThat(refused(pki.clientFor(old)).reason()).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void rejects_tls12_client_as_no_common_protocol() {
    Verdict verdict = refused(pki.clientFor(pki.alice).protocols("TLSv1.2"));

    assertThat(verdict.reason()).isEqualTo(Reason.NO_COMMON_PROTOCOL);
    assertThat(verdict.sentence()).startsWith("BoringSSL: ");
  }

  @Test
  void reports_a_client_that_does_not_trust_us_as_aborted_not_refused() {
    TestPki elsewhere = TestPki.named("CN=Other Root,O=Elsewhere", "CN=Other Issuing CA,O=Elsewhere");

    assertThatThrownBy(() -> TlsProbe.of(pki.alice, elsewhere.root.certificate()).get(server.port(), "/whoami"))
        .isInstanceOf(IOException.class);

    AbortedHandshake aborted = events.awaitOnly(AbortedHandshake.class);
    assertThat(aborted.alert()).startsWith("BoringSSL: ").contains("ALERT");
    assertThat(events.all(Rejection.class)).isEmpty();
  }

  @Test
  void frees_each_connections_native_state_when_it_closes() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "no /proc/self/fd to count descriptors in");
    for (int i = 0; i < 10; i++) {
      pki.clientFor(pki.alice).get(server.port(), "/whoami");
    }
    long before = openDescriptors();

    for (int i = 0; i < 40; i++) {
      pki.clientFor(pki.alice).get(server.port(), "/whoami");
      try (TlsProbe.Connection cut = pki.clientFor(pki.alice).connect(server.port())) {
        cut.write("GET /whoami HTTP/1.1\r\n");
      }
      assertThatThrownBy(() -> pki.anonymousClient().get(server.port(), "/whoami")).isInstanceOf(IOException.class);
    }

    // Each of these 120 engines held two descriptors until the collector finalised it; no GC is asked for here.
    long open = Eventually.within(Duration.ofSeconds(10)).await("open descriptors back near " + before,
        ConscryptEngineTest::openDescriptors, now -> now < before + 60);
    assertThat(open).isLessThan(before + 60);
  }

  @Test
  void refuses_tls12_before_it_starts() {
    assertThatThrownBy(() -> pki.serverBuilder().tlsEngine(TlsEngine.CONSCRYPT).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("tls-engine conscrypt serves TLS 1.3 only: in TLS 1.2 BoringSSL accepts SHA-1");
  }

  @Test
  void refuses_a_revocation_source_before_it_starts() {
    MtlsServerBuilder online = pki.serverBuilder().tlsEngine(TlsEngine.CONSCRYPT).protocols(List.of("TLSv1.3"))
        .revocationSource(OnlineRevocation.builder().ocspFromCertificates().build());

    assertThatThrownBy(online::build).isInstanceOf(ConfigException.class)
        .hasMessageContaining("runs the trust decision on the connection's I/O thread");
  }

  @Test
  void refuses_stapling_before_it_starts() {
    MtlsServerBuilder stapling = pki.serverBuilder().tlsEngine(TlsEngine.CONSCRYPT).protocols(List.of("TLSv1.3"))
        .ocspStapling(Duration.ofSeconds(2));

    assertThatThrownBy(stapling::build).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("tls-engine conscrypt cannot staple OCSP responses");
  }

  private static Verdict refused(TlsProbe client) {
    assertThatThrownBy(() -> client.get(server.port(), "/whoami")).isInstanceOf(IOException.class);
    Rejection rejection = events.awaitOnly(Rejection.class);
    assertThat(rejection.stage()).isEqualTo(Rejection.Stage.HANDSHAKE);
    return rejection.verdict();
  }

  private static long openDescriptors() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
