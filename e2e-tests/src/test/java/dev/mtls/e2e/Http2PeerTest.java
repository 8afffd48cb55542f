package dev.mtls.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.trust.Reason;
import dev.mtls.server.ClientAuthMode;
import dev.mtls.server.Rejection;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.peers.ExternalProcess;
import dev.mtls.testing.peers.ExternalProcess.Result;
import dev.mtls.testing.peers.Peer;
import dev.mtls.testing.peers.RequiresPeer;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.pki.CastFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 clients of other projects against our server: curl {@code --http2} (nghttp2 underneath, OpenSSL for TLS)
 * and nghttp (an HTTP/2-only client). Each asks for h2 by ALPN; the server's answer says which protocol served it.
 * curl verifies our server ({@code --cacert}); nghttp has no option for a CA and verifies nothing, so it is used for
 * what the server decides, never for proving the server's certificate.
 */
class Http2PeerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir
  static Path dir;

  private static CastFiles pki;
  private static RunningServer server;

  @BeforeAll
  static void startServer() {
    pki = Cast.create().writeTo(dir.resolve("pki"));
    server = RunningServer.start(pki, dir.resolve("server"));
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  @RequiresPeer(Peer.CURL)
  void curl_over_h2_is_identified_by_its_certificate() {
    Result result = curl(pem("alice"), List.of("--http2"), server.url("/whoami").toString());

    assertThat(statusAndVersion(result)).as(result.describe()).isEqualTo("200 2");
    assertThat(body(result)).startsWith("{\"subject\":\"CN=alice,OU=admins," + Cast.ORG + "\"")
        .contains("\"roles\":[\"admin\"]");
  }

  @Test
  @RequiresPeer(Peer.CURL)
  void curl_over_h2_is_forbidden_a_route_its_roles_do_not_allow() {
    Result result = curl(pem("bob"), List.of("--http2", "-X", "POST"), server.url("/api/admin/reload").toString());

    assertThat(statusAndVersion(result)).as(result.describe()).isEqualTo("403 2");
    assertThat(body(result)).contains("\"requiredRoles\":[\"admin\"],\"yourRoles\":[\"reader\"]");
  }

  @Test
  @RequiresPeer(Peer.CURL)
  void curl_over_h2_gets_404_for_a_path_no_route_has() {
    Result result = curl(pem("alice"), List.of("--http2"), server.url("/no/such/route").toString());

    assertThat(statusAndVersion(result)).as(result.describe()).isEqualTo("404 2");
  }

  @Test
  @RequiresPeer(Peer.CURL)
  void curl_over_h2_without_a_certificate_gets_401_where_certificates_are_only_requested() {
    try (RunningServer requested = RunningServer.start(pki, dir.resolve("requested"),
        builder -> builder.clientAuth(ClientAuthMode.REQUESTED))) {
      Result result = curl(List.of(), List.of("--http2"), requested.url("/whoami").toString());

      assertThat(statusAndVersion(result)).as(result.describe()).isEqualTo("401 2");
      assertThat(body(result)).contains("did not present one");
    }
  }

  @Test
  @RequiresPeer(Peer.CURL)
  void curl_many_streams_share_one_connection() {
    // 40 requests, up to 8 at once, multiplexed: curl opens one connection and reports it once.
    Result result = curl(pem("alice"), List.of("--http2", "--parallel", "--parallel-max", "8"),
        server.url("/whoami?[1-40]").toString());

    List<String> lines = result.stdout().lines().filter(line -> line.matches("\\d{3} .*")).toList();
    assertThat(lines).as(result.describe()).hasSize(40).allMatch(line -> line.startsWith("200 2 "));
    long connects = lines.stream().mapToInt(line -> Integer.parseInt(line.split(" ")[2])).sum();
    assertThat(connects).isEqualTo(1);
  }

  @Test
  @RequiresPeer(Peer.CURL)
  void curl_that_offers_only_http11_is_served_http11() {
    Result result = curl(pem("alice"), List.of("--http1.1"), server.url("/whoami").toString());

    assertThat(statusAndVersion(result)).as(result.describe()).isEqualTo("200 1.1");
  }

  @Test
  @RequiresPeer(Peer.CURL)
  void curl_asking_for_h2_gets_http11_from_a_server_with_http2_off() {
    try (RunningServer http11 = RunningServer.start(pki, dir.resolve("http11"), builder -> builder.http2(false))) {
      Result result = curl(pem("alice"), List.of("--http2"), http11.url("/whoami").toString());

      assertThat(statusAndVersion(result)).as(result.describe()).isEqualTo("200 1.1");
    }
  }

  @Test
  @RequiresPeer(Peer.CURL)
  void a_client_revoked_while_its_h2_connection_is_open_is_refused_on_its_next_stream() throws IOException {
    CastFiles.Credential dave = pki.add("dave-h2", pki.cast().client("CN=dave-h2,OU=readers," + Cast.ORG));
    try (RunningServer own = RunningServer.start(pki, dir.resolve("revoking"))) {
      // One request every 100 ms on one connection, for up to 6 s: the revocation lands between two of them.
      ExternalProcess curl = ExternalProcess.start(curlCommand(pem("dave-h2"), List.of("--http2", "--rate", "10/s"),
          own.url("/api/reports?[1-60]").toString()), Map.of(), null);
      try {
        own.awaitRequest("GET", "/api/reports", "CN=dave-h2");
        Files.writeString(own.crlFile(), pki.crlRevoking(dave), StandardCharsets.UTF_8);
        assertThat(own.reload().applied()).hasSize(1);
        Result result = curl.await(TIMEOUT);

        List<String> lines = result.stdout().lines().filter(line -> line.matches("\\d{3} .*")).toList();
        List<String> served = lines.stream().takeWhile(line -> line.startsWith("200 ")).toList();
        assertThat(served).as(result.describe()).isNotEmpty();
        // The next stream on the same connection (no new connect) is refused with the reason; so is any stream curl
        // sends before the server's GOAWAY reaches it (on a busy machine, one 100 ms later may)...
        List<String> refused = lines.subList(served.size(), lines.size()).stream()
            .takeWhile(line -> line.equals("401 2 0")).toList();
        assertThat(refused).as(result.describe()).isNotEmpty();
        // ...then the connection ends, and no new one gets past the handshake.
        assertThat(lines.subList(served.size() + refused.size(), lines.size())).as(result.describe()).isNotEmpty()
            .allMatch(line -> line.startsWith("000 "));
        assertThat(own.awaitRejections(Rejection.Stage.OPEN_CONNECTION, Reason.REVOKED, 1)).hasSize(1);
        assertThat(own.awaitRejections(Rejection.Stage.HANDSHAKE, Reason.REVOKED, 1)).isNotEmpty();
      } finally {
        curl.close();
      }
    }
  }

  @Test
  @RequiresPeer(Peer.NGHTTP)
  void nghttp_is_identified_by_its_certificate() {
    Result result = nghttp("alice", server.url("/whoami").toString());

    assertThat(result.exitCode()).as(result.describe()).isZero();
    assertThat(result.stdout()).contains(":status: 200")
        .contains("{\"subject\":\"CN=alice,OU=admins," + Cast.ORG + "\"");
  }

  @Test
  @RequiresPeer(Peer.NGHTTP)
  void nghttp_is_forbidden_a_route_its_roles_do_not_allow() {
    Result result = nghttp("bob", "-H", ":method: POST", server.url("/api/admin/reload").toString());

    assertThat(result.stdout()).as(result.describe()).contains(":status: 403")
        .contains("\"requiredRoles\":[\"admin\"],\"yourRoles\":[\"reader\"]");
  }

  @Test
  @RequiresPeer(Peer.NGHTTP)
  void nghttp_with_a_revoked_certificate_is_refused_in_the_handshake() {
    Result result = nghttp("revoked", server.url("/whoami").toString());

    assertThat(result.stdout()).as(result.describe()).doesNotContain(":status:");
    assertThat(server.awaitRejection(Reason.REVOKED).stage()).isEqualTo(Rejection.Stage.HANDSHAKE);
  }

  @Test
  @RequiresPeer(Peer.NGHTTP)
  void nghttp_cannot_speak_to_a_server_with_http2_off() {
    try (RunningServer http11 = RunningServer.start(pki, dir.resolve("http11-nghttp"),
        builder -> builder.http2(false))) {
      Result result = nghttp("alice", http11.url("/whoami").toString());

      // nghttp speaks only h2: without it in the server's ALPN answer it sends nothing (and says so, exiting 0).
      assertThat(result.stdout()).as(result.describe()).doesNotContain(":status:");
      assertThat(result.stderr()).contains("Some requests were not processed. total=1, processed=0");
      assertThat(http11.requests()).isEmpty();
    }
  }

  /** {@code --cert NAME-chain.pem --key NAME.key}: the chain, so the server can build the path to our root. */
  private static List<String> pem(String name) {
    CastFiles.Credential credential = pki.get(name);
    return List.of("--cert", credential.chain().toString(), "--key", credential.key().toString());
  }

  private static Result curl(List<String> identity, List<String> options, String url) {
    return ExternalProcess.run(curlCommand(identity, options, url), TIMEOUT);
  }

  /** curl writes each response's status, HTTP version and new connections on a line after its body. */
  private static List<String> curlCommand(List<String> identity, List<String> options, String url) {
    List<String> command = new ArrayList<>(List.of(Peer.CURL.path(), "--silent", "--show-error", "--max-time", "20",
        "--cacert", pki.rootPem().toString(), "--write-out", "\n%{http_code} %{http_version} %{num_connects}\n"));
    command.addAll(identity);
    command.addAll(options);
    command.add(url);
    if (url.contains("[")) {
      command.addAll(1, List.of("--output", "/dev/null"));
    }
    return command;
  }

  /** nghttp with {@code name}'s certificate and key, printing the response headers ({@code -v} frames). */
  private static Result nghttp(String name, String... rest) {
    CastFiles.Credential credential = pki.get(name);
    List<String> command = new ArrayList<>(List.of(Peer.NGHTTP.path(), "--verbose", "--timeout=20",
        "--cert=" + credential.chain(), "--key=" + credential.key()));
    command.addAll(List.of(rest));
    return ExternalProcess.run(command, TIMEOUT);
  }

  /** "STATUS VERSION" of the last response, e.g. "200 2". */
  private static String statusAndVersion(Result result) {
    String[] last = lastLine(result).split(" ");
    return last[0] + " " + last[1];
  }

  private static String lastLine(Result result) {
    List<String> lines = result.stdout().lines().toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }

  /** The body, without the line --write-out added. */
  private static String body(Result result) {
    String out = result.stdout().stripTrailing();
    int end = out.lastIndexOf('\n');
    return end < 0 ? "" : out.substring(0, end);
  }
}
