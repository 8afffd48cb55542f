package dev.mtls.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.Pem;
import dev.mtls.testing.PlainHttp;
import dev.mtls.testing.peers.ExternalProcess.Result;
import dev.mtls.testing.peers.FreePort;
import dev.mtls.testing.peers.Peer;
import dev.mtls.testing.peers.RequiresPeer;
import java.io.IOException;
import java.math.BigInteger;
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
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@code pki serve} publishes, as OpenSSL reads it: CRLs at /crl/issuing.crl and /crl/root.crl, OCSP at /ocsp. */
class PublicationServerTest {
  private static final char[] PASSWORD = "publication test password".toCharArray();

  @TempDir Path dir;
  private CaDirectory ca;
  private PublicationServer server;
  private X509Certificate alice;
  private X509Certificate bob;

  @BeforeEach
  void start() throws IOException {
    ca = CaDirectory.init(dir.resolve("ca"), PASSWORD, CaDirectory.InitOptions.defaults("Serve Test")
        .withKeyEncryption(KeyEncryption.forTests()), false, Clock.systemUTC());
    alice = ca.issue(CertificateSpec.client("CN=alice").build()).certificate();
    bob = ca.issue(CertificateSpec.client("CN=bob").build()).certificate();
    ca.revoke(bob.getSerialNumber(), RevocationReason.KEY_COMPROMISE);
    CaDirectory.OcspSigner signer = ca.ocspSigner(Duration.ofDays(7), Duration.ofDays(1));
    server = PublicationServer.builder()
        .ocspResponder("/ocsp", new OcspResponder(ca, signer, Duration.ofMinutes(10), Clock.systemUTC()))
        .crls("/crl", new CrlPublisher(ca, Duration.ofHours(1), Clock.systemUTC()))
        .start();
    Files.writeString(dir.resolve("alice.pem"), Pem.encode(alice));
    Files.writeString(dir.resolve("bob.pem"), Pem.encode(bob));
    Files.copy(dir.resolve("ca/intermediate.pem"), dir.resolve("issuer.pem"));
    Files.writeString(dir.resolve("chain.pem"), Pem.encode(List.of(ca.intermediate(), ca.root())));
  }

  @AfterEach
  void stop() {
    server.close();
    ca.close();
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void serves_the_issuing_cas_crl_as_der_that_openssl_verifies_with_its_number_and_revoked_serial() throws Exception {
    PlainHttp.Response response = get("/crl/issuing.crl");
    Files.write(dir.resolve("issuing.crl"), response.bytes());

    Result fields = Peer.OPENSSL.run(dir, "crl", "-inform", "DER", "-in", "issuing.crl", "-noout", "-issuer", "-crlnumber");
    Result text = Peer.OPENSSL.run(dir, "crl", "-inform", "DER", "-in", "issuing.crl", "-noout", "-text");
    Result verified = Peer.OPENSSL.run(dir, "crl", "-inform", "DER", "-in", "issuing.crl", "-noout", "-CAfile", "chain.pem");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Type")).contains("application/pkix-crl");
    assertThat(fields.exitCode()).as(fields.output()).isZero();
    assertThat(fields.output()).contains("issuer=O = Serve Test, CN = Serve Test Issuing CA", "crlNumber=0x01");
    assertThat(text.output()).contains(hex(bob.getSerialNumber()), "Key Compromise")
        .doesNotContain(hex(alice.getSerialNumber()));
    assertThat(verified.output()).contains("verify OK");
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void serves_the_roots_crl_which_covers_the_intermediate() throws Exception {
    Files.write(dir.resolve("root.crl"), get("/crl/root.crl").bytes());

    Result fields = Peer.OPENSSL.run(dir, "crl", "-inform", "DER", "-in", "root.crl", "-noout", "-issuer", "-crlnumber");
    Result verified = Peer.OPENSSL.run(dir, "crl", "-inform", "DER", "-in", "root.crl", "-noout", "-CAfile", "chain.pem");

    assertThat(fields.output()).contains("issuer=O = Serve Test, CN = Serve Test Root CA", "crlNumber=0x01");
    assertThat(verified.output()).contains("verify OK");
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void a_revocation_made_while_serving_is_in_the_next_crl_fetched_with_the_next_number() throws Exception {
    Files.write(dir.resolve("before.crl"), get("/crl/issuing.crl").bytes());
    Files.write(dir.resolve("again.crl"), get("/crl/issuing.crl").bytes());

    ca.revoke(alice.getSerialNumber(), RevocationReason.AFFILIATION_CHANGED);
    Files.write(dir.resolve("after.crl"), get("/crl/issuing.crl").bytes());

    assertThat(Files.readAllBytes(dir.resolve("again.crl"))).isEqualTo(Files.readAllBytes(dir.resolve("before.crl")));
    Result after = Peer.OPENSSL.run(dir, "crl", "-inform", "DER", "-in", "after.crl", "-noout", "-crlnumber", "-text");
    assertThat(after.output()).contains("crlNumber=0x02", hex(alice.getSerialNumber()), "Affiliation Changed",
        hex(bob.getSerialNumber()));
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void revoking_the_intermediate_while_serving_puts_it_in_the_next_root_crl() throws Exception {
    get("/crl/root.crl");

    ca.revoke(ca.intermediate().getSerialNumber(), RevocationReason.CA_COMPROMISE);
    Files.write(dir.resolve("root.crl"), get("/crl/root.crl").bytes());

    Result text = Peer.OPENSSL.run(dir, "crl", "-inform", "DER", "-in", "root.crl", "-noout", "-crlnumber", "-text");
    assertThat(text.output()).contains("crlNumber=0x02", hex(ca.intermediate().getSerialNumber()), "CA Compromise");
  }

  @Test
  void caches_may_keep_a_crl_until_the_server_would_sign_the_next_one_not_until_its_next_update() throws Exception {
    String cacheControl = get("/crl/issuing.crl").header("Cache-Control").orElseThrow();

    assertThat(cacheControl).matches("max-age=\\d+, public, no-transform");
    assertThat(Long.parseLong(cacheControl.replaceAll("max-age=(\\d+),.*", "$1"))).isBetween(1790L, 1800L);
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void answers_openssl_ocsp_at_its_path_good_and_revoked() {
    Result result = Peer.OPENSSL.run(dir, "ocsp", "-issuer", "issuer.pem", "-cert", "alice.pem", "-cert", "bob.pem",
        "-url", server.uri("/ocsp").toString(), "-CAfile", "chain.pem");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("Response verify OK", "alice.pem: good", "bob.pem: revoked",
        "Reason: keyCompromise");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/crl", "/crl/", "/crl/crl.pem", "/crl/issuing.crlx", "/crl/issuing.crl/x", "/ocspx",
      "/crls/issuing.crl"})
  void other_paths_are_not_found(String path) throws Exception {
    assertThat(get(path).status()).isEqualTo(404);
  }

  @ParameterizedTest
  @CsvSource({"POST, /crl/issuing.crl, GET", "DELETE, /crl/root.crl, GET", "PUT, /ocsp, 'GET, POST'"})
  void other_methods_are_not_allowed(String method, String path, String allowed) throws Exception {
    PlainHttp.Response response = PlainHttp.send(method, server.uri(path), "x".getBytes(StandardCharsets.US_ASCII), null);

    assertThat(response.status()).isEqualTo(405);
    assertThat(response.header("Allow")).contains(allowed);
  }

  @Test
  void answers_503_with_retry_after_while_no_current_crl_can_be_signed() throws Exception {
    try (FileChannel channel = FileChannel.open(dir.resolve("ca/.lock"), StandardOpenOption.WRITE);
        FileLock held = channel.lock();
        PublicationServer locked = PublicationServer.builder()
            .crls("/crl", new CrlPublisher(ca, Duration.ofHours(1), Clock.systemUTC())).start()) {
      PlainHttp.Response response = PlainHttp.get(locked.uri("/crl/issuing.crl"));

      assertThat(response.status()).isEqualTo(503);
      assertThat(response.header("Retry-After")).contains("5");
    }
  }

  @Test
  void refuses_mount_paths_that_are_relative_or_end_in_a_slash_and_two_services_at_one_path() {
    CrlPublisher publisher = new CrlPublisher(ca, Duration.ofHours(1), Clock.systemUTC());

    assertThatThrownBy(() -> PublicationServer.builder().crls("crl", publisher))
        .hasMessage("a mount path starts with '/' and does not end with one, got 'crl'");
    assertThatThrownBy(() -> PublicationServer.builder().crls("/crl/", publisher))
        .hasMessage("a mount path starts with '/' and does not end with one, got '/crl/'");
    assertThatThrownBy(() -> PublicationServer.builder().crls("/x", publisher).crls("/x", publisher))
        .hasMessage("two services at /x");
    assertThatThrownBy(() -> PublicationServer.builder().start())
        .hasMessage("nothing to serve: add an OCSP responder, CRLs or EST");
    assertThatThrownBy(() -> PublicationServer.builder().port(65536))
        .hasMessage("port must be 0 to 65535, got 65536");
  }

  @Test
  void refuses_timeouts_under_a_second_and_connection_limits_under_one() {
    PublicationServer.Builder builder = PublicationServer.builder();

    assertThatThrownBy(() -> builder.requestTimeout(Duration.ofMillis(500)))
        .hasMessage("request timeout must be at least 1 s (and under 24 days), got PT0.5S");
    assertThatThrownBy(() -> builder.idleTimeout(Duration.ZERO))
        .hasMessage("idle timeout must be at least 1 s (and under 24 days), got PT0S");
    assertThatThrownBy(() -> builder.maxConnections(0)).hasMessage("max connections must be at least 1, got 0");
    assertThatThrownBy(() -> builder.maxConnectionsPerAddress(0))
        .hasMessage("max connections per address must be at least 1, got 0");
  }

  @Test
  void closes_when_the_closing_thread_was_interrupted_and_keeps_the_interrupt() {
    PublicationServer other = PublicationServer.builder()
        .crls("/crl", new CrlPublisher(ca, Duration.ofHours(1), Clock.systemUTC())).start();
    int port = other.port();

    Thread.currentThread().interrupt();
    other.close();

    assertThat(Thread.interrupted()).as("interrupt kept").isTrue();
    assertThat(FreePort.isListening(port)).isFalse();
  }

  @Test
  void names_its_urls_by_the_address_it_listens_on_and_the_port_it_bound() {
    assertThat(server.port()).isPositive();
    assertThat(server.uri("/crl/root.crl")).hasToString("http://127.0.0.1:" + server.port() + "/crl/root.crl");
  }

  private PlainHttp.Response get(String path) {
    return PlainHttp.get(server.uri(path));
  }

  /** A serial as {@code openssl crl -text} prints it. */
  private static String hex(BigInteger serial) {
    String hex = serial.toString(16).toUpperCase(Locale.ROOT);
    return hex.length() % 2 == 0 ? hex : "0" + hex;
  }
}
