package dev.mtls.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;

import dev.mtls.client.Diagnosis;
import dev.mtls.client.HttpVersion;
import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsClientBuilder;
import dev.mtls.client.MtlsException;
import dev.mtls.client.MtlsResponse;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.peers.ExternalProcess;
import dev.mtls.testing.peers.ExternalProcess.Result;
import dev.mtls.testing.peers.FreePort;
import dev.mtls.testing.peers.Jdk;
import dev.mtls.testing.peers.Peer;
import dev.mtls.testing.peers.RequiresPeer;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.pki.CastFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nginx with {@code ssl_verify_client on} as the server for our client library and CLI: the reference mTLS server
 * most teams already run. nginx completes the handshake even when it does not like the client's certificate and
 * answers HTTP 400 with its own reason, so these refusals reach our client as responses, not TLS failures. It
 * listens with {@code http2} on, as most do: a client that offers h2 by ALPN speaks HTTP/2, the others HTTP/1.1.
 */
@RequiresPeer(Peer.NGINX)
class NginxPeerTest {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
  private static final int START_ATTEMPTS = 5;

  @TempDir
  static Path dir;

  private static CastFiles pki;
  private static ExternalProcess nginx;
  private static int port;
  private static Path errorLog;

  @BeforeAll
  static void startNginx() throws IOException {
    String binary = Peer.NGINX.path();
    pki = Cast.create().writeTo(dir.resolve("pki"));
    Path prefix = Files.createDirectories(dir.resolve("nginx"));
    errorLog = prefix.resolve("error.log");
    // A port picked now may be taken before nginx binds it: then start again on another.
    for (int attempt = 1; nginx == null; attempt++) {
      int candidate = FreePort.pick();
      Files.writeString(prefix.resolve("nginx.conf"), config(prefix, candidate), StandardCharsets.UTF_8);
      Files.deleteIfExists(errorLog);
      ExternalProcess started = ExternalProcess.start(List.of(binary, "-p", prefix + "/", "-c",
          prefix.resolve("nginx.conf").toString(), "-e", errorLog.toString(), "-g", "daemon off;"), Map.of(), null);
      String failure = awaitListening(started, candidate);
      if (failure == null) {
        nginx = started;
        port = candidate;
      } else {
        started.close();
        if (!failure.contains("Address already in use") || attempt == START_ATTEMPTS) {
          fail("nginx did not start:\n" + failure);
        }
      }
    }
  }

  @AfterAll
  static void stopNginx() {
    if (nginx != null) {
      nginx.close();
    }
  }

  @Test
  void our_client_with_an_admin_certificate_gets_200_and_nginx_sees_its_subject() throws MtlsException {
    try (MtlsClient client = client().identity(Clients.identity(pki.get("alice"))).build()) {
      MtlsResponse response = client.get(url());

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyText()).isEqualTo("CN=alice,OU=admins," + Cast.ORG + "\n");
      assertThat(response.tls().certificateRequested()).isTrue();
      assertThat(response.tls().certificateSent()).isTrue();
      assertThat(response.tls().acceptedIssuers()).extracting(Principal::getName).containsExactly(Cast.ROOT_DN);
      assertThat(response.tls().serverChain().get(0)).isEqualTo(pki.server().x509());
    }
  }

  @Test
  void our_client_forced_to_tls12_is_accepted_too() throws MtlsException {
    try (MtlsClient client = client().identity(Clients.identity(pki.get("bob")))
        .protocols(List.of("TLSv1.2")).build()) {
      MtlsResponse response = client.get(url());

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyText()).isEqualTo("CN=bob,OU=readers," + Cast.ORG + "\n");
      assertThat(response.tls().protocol()).isEqualTo("TLSv1.2");
    }
  }

  @Test
  void our_client_without_identity_gets_nginx_400_no_required_certificate() throws MtlsException {
    try (MtlsClient client = client().build()) {
      MtlsResponse response = client.get(url());

      // nginx finishes the handshake without a certificate and refuses at the HTTP level: a response, no exception.
      assertThat(response.status()).isEqualTo(400);
      assertThat(response.bodyText()).isEqualTo("refused: NONE\n");
      assertThat(response.tls().certificateRequested()).isTrue();
      assertThat(response.tls().certificateSent()).isFalse();
    }
  }

  @Test
  void our_client_with_a_foreign_ca_certificate_gets_nginx_400_certificate_error() throws MtlsException {
    try (MtlsClient client = client().identity(Clients.identity(pki.get("foreign"))).build()) {
      MtlsResponse response = client.get(url());

      assertThat(response.status()).isEqualTo(400);
      // The foreign leaf comes straight from the foreign root: nginx finds no issuer for it among its CAs.
      assertThat(response.bodyText()).isEqualTo("refused: FAILED:unable to verify the first certificate\n");
      // Our key manager presents our identity even though nginx named only our root as acceptable.
      assertThat(response.tls().certificateSent()).isTrue();
    }
  }

  @Test
  void our_client_that_trusts_another_ca_says_it_does_not_trust_nginx() {
    MtlsClientBuilder builder = MtlsClient.builder()
        .identity(Clients.identity(pki.get("alice")))
        .trust(TrustAnchors.loadPem(pki.foreignRootPem()));
    try (MtlsClient client = builder.build()) {
      MtlsException failure = catchThrowableOfType(() -> client.get(url()), MtlsException.class);

      Diagnosis diagnosis = failure.getDiagnosis();
      assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.SERVER_NOT_TRUSTED);
      assertThat(diagnosis.reason()).isEqualTo(Reason.UNTRUSTED_ISSUER);
      assertThat(diagnosis.sentence()).isEqualTo("We do not trust the server's certificate: not issued by a trusted CA: CA certificate \"" + Cast.ISSUING_DN
          + "\" was issued by \"" + Cast.ROOT_DN + "\", which is not a trust anchor here.");
      assertThat(diagnosis.hint()).isEqualTo("We trust CN=Foreign Root CA,O=elsewhere. Pass the CA that issued"
          + " the server's certificate with --cacert." + Jdk.sentAlertSentence("certificate_unknown"));
    }
  }

  @Test
  void client_cli_jar_as_a_process_gets_the_admin_dn_from_nginx() {
    CastFiles.Credential alice = pki.get("alice");

    List<String> command = new ArrayList<>(Artifacts.runOnce(Artifacts.clientJar()));
    command.addAll(List.of("--cert", alice.chain().toString(), "--key", alice.key().toString(),
        "--cacert", pki.rootPem().toString(), url()));
    Result result = ExternalProcess.run(command, Duration.ofSeconds(60));

    assertThat(result.exitCode()).as(result.describe()).isZero();
    assertThat(result.stdout()).isEqualTo("CN=alice,OU=admins," + Cast.ORG + "\n");
  }

  @Test
  void client_cli_jar_without_certificate_exits_5_on_nginx_400() {
    List<String> command = new ArrayList<>(Artifacts.runOnce(Artifacts.clientJar()));
    command.addAll(List.of("--cacert", pki.rootPem().toString(), url()));
    Result result = ExternalProcess.run(command, Duration.ofSeconds(60));

    // Exit code 5: HTTP error. The CLI prints nginx's answer and names the status.
    assertThat(result.exitCode()).as(result.describe()).isEqualTo(5);
    assertThat(result.stdout()).isEqualTo("refused: NONE\n");
    assertThat(result.stderr()).contains("error: the server answered HTTP 400",
        "hint: the server asked for a client certificate and none was sent; give --cert/--key or --p12");
  }

  @Test
  void our_client_over_http2_sends_concurrent_requests_as_streams_on_one_connection() throws Exception {
    try (MtlsClient client = client().identity(Clients.identity(pki.get("alice"))).httpVersion(HttpVersion.HTTP_2)
        .build()) {
      List<CompletableFuture<MtlsResponse>> responses = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        responses.add(client.sendAsync("GET", URI.create(url()), null, null));
      }
      for (CompletableFuture<MtlsResponse> response : responses) {
        assertThat(response.get().status()).isEqualTo(200);
        assertThat(response.get().version()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(response.get().bodyText()).isEqualTo("CN=alice,OU=admins," + Cast.ORG + "\n");
      }
      assertThat(client.handshakes()).isEqualTo(1);
      // A blocking call over HTTP/2 says what the handshake saw, as over HTTP/1.1.
      MtlsResponse response = client.get(url());
      assertThat(response.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(response.tls().certificateSent()).isTrue();
      assertThat(response.tls().serverChain().get(0)).isEqualTo(pki.server().x509());
    }
  }

  @Test
  void our_client_over_http2_without_identity_gets_nginx_400_no_required_certificate() throws MtlsException {
    try (MtlsClient client = client().httpVersion(HttpVersion.HTTP_2).build()) {
      MtlsResponse response = client.get(url());

      assertThat(response.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(response.status()).isEqualTo(400);
      assertThat(response.bodyText()).isEqualTo("refused: NONE\n");
      assertThat(response.tls().certificateRequested()).isTrue();
      assertThat(response.tls().certificateSent()).isFalse();
    }
  }

  @Test
  void our_client_over_http2_that_trusts_another_ca_is_told_as_over_http1() {
    Diagnosis http1 = untrusted(HttpVersion.HTTP_1_1);
    Diagnosis http2 = untrusted(HttpVersion.HTTP_2);

    assertThat(http2.kind()).isEqualTo(Diagnosis.Kind.SERVER_NOT_TRUSTED);
    assertThat(http2).usingRecursiveComparison().ignoringFields("technical").isEqualTo(http1);
  }

  @Test
  void client_cli_jar_load_run_over_http2_uses_one_connection() {
    CastFiles.Credential alice = pki.get("alice");

    List<String> command = new ArrayList<>(Artifacts.runOnce(Artifacts.clientJar()));
    command.addAll(List.of("--http2", "--cert", alice.chain().toString(), "--key", alice.key().toString(),
        "--cacert", pki.rootPem().toString(), "--repeat", "40", "--concurrency", "8", url()));
    Result result = ExternalProcess.run(command, Duration.ofSeconds(60));

    assertThat(result.exitCode()).as(result.describe()).isZero();
    assertThat(result.stdout()).contains("handshakes: 1 (full: 1, resumed: 0)\n", "statuses: {200=40}\n",
        "protocol: HTTP/2\n");
  }

  private Diagnosis untrusted(HttpVersion version) {
    try (MtlsClient client = MtlsClient.builder().identity(Clients.identity(pki.get("alice")))
        .trust(TrustAnchors.loadPem(pki.foreignRootPem())).httpVersion(version).build()) {
      return catchThrowableOfType(() -> client.get(url()), MtlsException.class).getDiagnosis();
    }
  }

  private static MtlsClientBuilder client() {
    return MtlsClient.builder().trust(TrustAnchors.loadPem(pki.rootPem()));
  }

  private static String url() {
    return "https://localhost:" + port + "/";
  }

  /**
   * A minimal nginx for mTLS: one process (master_process off), everything it writes under {@code prefix}, our
   * server certificate and chain, our root as the only CA for client certificates (sent to clients as the
   * acceptable CA names), and a location that echoes the verified client's subject.
   */
  private static String config(Path prefix, int port) {
    return """
        master_process off;
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log info;
        events { worker_connections 64; }
        http {
          access_log %1$s/access.log;
          client_body_temp_path %1$s/client_body;
          proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi;
          scgi_temp_path %1$s/scgi;
          server {
            listen 127.0.0.1:%2$d ssl http2;
            server_name localhost;
            ssl_protocols TLSv1.2 TLSv1.3;
            ssl_certificate %3$s;
            ssl_certificate_key %4$s;
            ssl_client_certificate %5$s;
            ssl_verify_client on;
            ssl_verify_depth 2;
            default_type text/plain;
            location / {
              return 200 "$ssl_client_s_dn\\n";
            }
            # nginx's own verdict on a refused client certificate ($ssl_client_verify), instead of its error page.
            error_page 495 496 =400 @refused;
            location @refused {
              return 400 "refused: $ssl_client_verify\\n";
            }
          }
        }
        """.formatted(prefix, port, pki.server().chain(), pki.server().key(), pki.rootPem());
  }

  /** Null once nginx accepts connections on {@code port}; what it printed when it exited instead. */
  private static String awaitListening(ExternalProcess process, int port) {
    String outcome = Eventually.within(START_TIMEOUT).await("nginx to listen on 127.0.0.1:" + port + " or exit",
        () -> !process.isAlive() ? "exited; stderr:\n" + process.stderrSoFar() + "\nerror log:\n" + read(errorLog)
            : FreePort.isListening(port) ? "" : null, Objects::nonNull);
    return outcome.isEmpty() ? null : outcome;
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
