package dev.mtls.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.trust.Reason;
import dev.mtls.testing.peers.ExternalProcess;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.pki.CastFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jars as real processes, the way a user runs them: {@code mtls-server.jar} with a config file over PEM
 * files, and {@code mtls-client.jar} calls asserting exit codes, the body, the {@code error:} sentence on stderr and
 * the server's metrics. Also the client's {@code --trace} on TLS 1.3, TLS 1.2 and a refused handshake, and the
 * server stopping on SIGTERM (the last test).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerProcessScenarioTest {
  private static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
  private static final Pattern TRACE_LINE = Pattern.compile("^\\s*\\d+\\. client\\s+(-->|<--)\\s+server\\s+(\\w+)");

  @TempDir static Path dir;
  static CastFiles pki;
  static ServerProcess server;

  @BeforeAll
  static void start() throws IOException {
    pki = Cast.create().writeTo(dir.resolve("pki"));
    Path config = dir.resolve("server/server.conf");
    Files.createDirectories(config.getParent());
    // The example roles and routes, and the PEM files, the way an operator would lay them out.
    Files.copy(Artifacts.serverExample("roles.conf"), config.resolveSibling("roles.conf"));
    Files.copy(Artifacts.serverExample("routes.conf"), config.resolveSibling("routes.conf"));
    Files.writeString(config, """
        host = 127.0.0.1
        port = 0
        management-host = 127.0.0.1
        management-port = 0
        certificate = %s
        key = %s
        trust = %s
        crl = %s
        roles = roles.conf
        routes = routes.conf
        client-auth = required
        access-log-format = text
        """.formatted(pki.server().chain(), pki.server().key(), pki.rootPem(), pki.crlPem()),
        StandardCharsets.UTF_8);
    server = ServerProcess.start(config);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  @Order(1)
  void server_process_reports_health_and_readiness_on_its_management_port() throws Exception {
    assertThat(server.management("/health").body()).isEqualTo("ok\n");
    assertThat(server.management("/ready").statusCode()).isEqualTo(200);
    String status = server.management("/status").body();
    assertThat(status).startsWith("{\"ready\":true,\"serverCertificate\":{\"subject\":\"CN=localhost,"
        + "O=mtls-reference test\"").contains("\"clientAuth\":\"REQUIRED\"", "\"protocols\":[\"TLSv1.3\",\"TLSv1.2\"]");
    assertThat(server.management("/metrics").body().lines().filter(l -> l.startsWith("mtls_crl_next_update_seconds{")))
        .hasSize(2);
    assertThat(server.management("/metrics").body().lines()
        .filter(l -> l.startsWith("mtls_trust_anchor_expiry_seconds{"))).hasSize(1);
  }

  @Test
  @Order(2)
  void admin_is_allowed_on_admin_route_of_the_server_process_and_the_cli_exits_0() throws Exception {
    ExternalProcess.Result result = cli(identity("alice"), "POST", server.url("/api/admin/reload"));

    assertThat(result.exitCode()).as(result.describe()).isEqualTo(0);
    assertThat(result.stdout()).isEqualTo("{\"applied\":[],\"refused\":[]}\n");
    server.awaitMetric("mtls_requests_total{method=\"POST\",protocol=\"HTTP/1.1\",route=\"POST /api/admin/reload\","
        + "status=\"200\"}", 1);
  }

  @Test
  @Order(3)
  void reader_gets_403_on_admin_route_and_the_cli_exits_5_with_the_explanation() {
    ExternalProcess.Result result = cli(identity("bob"), "POST", server.url("/api/admin/reload"));

    assertThat(result.exitCode()).as(result.describe()).isEqualTo(5);
    assertThat(result.stderr()).contains("error: the server answered HTTP 403\n");
    assertThat(result.stdout()).contains("\"subject\":\"CN=bob,OU=readers,O=mtls-reference test\"",
        "\"route\":\"POST /api/admin/reload\"", "\"requiredRoles\":[\"admin\"]", "\"yourRoles\":[\"reader\"]");
  }

  @Test
  @Order(4)
  void pkcs12_identity_with_password_file_is_accepted_by_the_cli() {
    ExternalProcess.Result result = cli(List.of("--p12", pki.get("bob").pkcs12().toString(),
        "--password-file", pki.passwordFile().toString()), "GET", server.url("/api/reports"));

    assertThat(result.exitCode()).as(result.describe()).isEqualTo(0);
    assertThat(result.stdout()).startsWith("{\"requestedBy\":\"CN=bob,OU=readers,O=mtls-reference test\"");
  }

  @Test
  @Order(5)
  void client_without_certificate_is_refused_and_the_cli_exits_3() throws Exception {
    ExternalProcess.Result result = cli(List.of(), "GET", server.url("/whoami"));

    assertThat(result.exitCode()).as(result.describe()).isEqualTo(3);
    assertThat(errorLine(result)).isEqualTo("error: The server requires a client certificate and none was sent.");
    server.awaitMetric(ServerProcess.refusedHandshakes(Reason.NO_CERTIFICATE), 1);
  }

  @Test
  @Order(6)
  void client_from_foreign_ca_is_refused_and_the_cli_exits_3() throws Exception {
    ExternalProcess.Result result = cli(identity("foreign"), "GET", server.url("/whoami"));

    assertThat(result.exitCode()).as(result.describe()).isEqualTo(3);
    assertThat(errorLine(result)).isEqualTo("error: The server rejected our client certificate, most likely because "
        + "it does not trust the CA that issued it.");
    server.awaitMetric(ServerProcess.refusedHandshakes(Reason.UNTRUSTED_ISSUER), 1);
  }

  @Test
  @Order(7)
  void revoked_client_is_refused_and_the_cli_exits_3() throws Exception {
    ExternalProcess.Result result = cli(identity("revoked"), "GET", server.url("/whoami"));

    assertThat(result.exitCode()).as(result.describe()).isEqualTo(3);
    assertThat(errorLine(result)).startsWith("error: The server rejected our client certificate: ");
    assertThat(result.stderr()).contains("hint: ");
    server.awaitMetric(ServerProcess.refusedHandshakes(Reason.REVOKED), 1);
  }

  @Test
  @Order(8)
  void expired_certificate_is_stopped_by_the_cli_preflight_with_exit_4() {
    ExternalProcess.Result result = cli(identity("expired"), "GET", server.url("/whoami"));

    assertThat(result.exitCode()).as(result.describe()).isEqualTo(4);
    assertThat(errorLine(result)).isEqualTo("error: Our certificate would be refused: expired: the client certificate"
        + " \"CN=expired,OU=admins,O=mtls-reference test\" expired on " + pki.get("expired").x509().getNotAfter()
        .toInstant() + ".");
    assertThat(result.stderr()).contains("cause: pre-flight check before connecting; nothing was sent");
  }

  @Test
  @Order(9)
  void cli_that_does_not_trust_the_servers_ca_exits_3() {
    List<String> args = new ArrayList<>(identity("alice"));
    args.set(args.indexOf("--cacert") + 1, pki.foreignRootPem().toString());

    ExternalProcess.Result result = cli(args, "GET", server.url("/whoami"));

    assertThat(result.exitCode()).as(result.describe()).isEqualTo(3);
    assertThat(errorLine(result)).isEqualTo("error: " + "We do not trust the server's certificate: not issued by a trusted CA: CA certificate \"" + Cast.ISSUING_DN
          + "\" was issued by \"" + Cast.ROOT_DN + "\", which is not a trust anchor here.");
  }

  @Test
  @Order(10)
  void trace_of_tls13_handshake_shows_encrypted_extensions_and_no_server_key_exchange() {
    ExternalProcess.Result result = cli(withTrace(identity("alice")), "GET", server.url("/whoami"));

    assertThat(result.exitCode()).as(result.describe()).isEqualTo(0);
    assertThat(result.stdout()).contains("\"tls\":{\"protocol\":\"TLSv1.3\"");
    List<String> messages = traceMessages(result);
    assertThat(messages).as(result.stderr()).startsWith(
        "--> ClientHello", "<-- ServerHello", "<-- EncryptedExtensions", "<-- CertificateRequest", "<-- Certificate",
        "<-- CertificateVerify", "<-- Finished", "--> Certificate", "--> CertificateVerify", "--> Finished");
    assertThat(messages).noneMatch(m -> m.endsWith("ServerKeyExchange") || m.endsWith("ServerHelloDone")
        || m.endsWith("ClientKeyExchange") || m.endsWith("Alert"));
    // The certificates' subjects, where they travel: the server's chain, then ours.
    assertThat(result.stderr())
        .contains("client <--  server  Certificate [CN=localhost, O=mtls-reference test <- CN=Test Issuing CA, "
            + "O=mtls-reference test]")
        .contains("client  --> server  Certificate [CN=alice, OU=admins, O=mtls-reference test <- CN=Test Issuing CA, "
            + "O=mtls-reference test]")
        .contains("```mermaid\nsequenceDiagram\n", "    S->>C: EncryptedExtensions\n");
  }

  @Test
  @Order(11)
  void trace_of_tls12_handshake_shows_server_key_exchange_and_client_key_exchange() {
    List<String> args = withTrace(identity("alice"));
    args.addAll(List.of("--tls-version", "1.2"));

    ExternalProcess.Result result = cli(args, "GET", server.url("/whoami"));

    assertThat(result.exitCode()).as(result.describe()).isEqualTo(0);
    assertThat(result.stdout()).contains("\"tls\":{\"protocol\":\"TLSv1.2\"");
    assertThat(traceMessages(result)).as(result.stderr()).containsExactly(
        "--> ClientHello", "<-- ServerHello", "<-- Certificate", "<-- ServerKeyExchange", "<-- CertificateRequest",
        "<-- ServerHelloDone", "--> Certificate", "--> ClientKeyExchange", "--> CertificateVerify", "--> Finished",
        "<-- Finished");
  }

  @Test
  @Order(12)
  void trace_of_refused_handshake_ends_in_an_alert_or_connection_failure() {
    ExternalProcess.Result result = cli(withTrace(identity("foreign")), "GET", server.url("/whoami"));

    assertThat(result.exitCode()).as(result.describe()).isEqualTo(3);
    List<String> messages = traceMessages(result);
    assertThat(messages).as(result.stderr()).startsWith("--> ClientHello", "<-- ServerHello",
        "<-- EncryptedExtensions", "<-- CertificateRequest");
    // Our chain from the foreign CA was sent, and the server's refusal is the last thing that happened.
    assertThat(result.stderr()).contains("client  --> server  Certificate [CN=alice, OU=admins, O=mtls-reference test]");
    assertThat(messages.get(messages.size() - 1)).isIn("<-- Alert", "<-- ConnectionFailure", "--> ConnectionFailure");
    assertThat(messages).doesNotContain("<-- NewSessionTicket");
    assertThat(result.stderr()).containsPattern("    S-xC: (Alert|ConnectionFailure)|    C-xS: ConnectionFailure");
    assertThat(errorLine(result)).isEqualTo("error: The server rejected our client certificate, most likely because "
        + "it does not trust the CA that issued it.");
  }

  @Test
  @Order(100)
  void server_process_exits_on_sigterm_within_seconds() throws Exception {
    long pid = server.pid();

    boolean exited = server.terminate(STOP_TIMEOUT);

    assertThat(exited).as("process %d exited within %s after SIGTERM%s", pid, STOP_TIMEOUT, server.describe())
        .isTrue();
    // A JVM ended by SIGTERM exits with 128 + 15 once its shutdown hooks have run.
    assertThat(server.process().exitValue()).as(server.describe()).isEqualTo(143);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  /** The metrics sample counting full handshakes refused for {@code reason}. */

  /** {@code --cacert root --cert NAME-chain.pem --key NAME.key}. */
  private static List<String> identity(String name) {
    CastFiles.Credential credential = pki.get(name);
    return new ArrayList<>(List.of("--cacert", pki.rootPem().toString(), "--cert", credential.chain().toString(),
        "--key", credential.key().toString()));
  }

  private static List<String> withTrace(List<String> args) {
    List<String> traced = new ArrayList<>(args);
    traced.add("--trace");
    return traced;
  }

  /** Runs {@code java -jar client-cli/target/mtls-client.jar ARGS METHOD URL}; the trust anchor is ours unless given. */
  private static ExternalProcess.Result cli(List<String> args, String method, String url) {
    List<String> command = new ArrayList<>(Artifacts.runOnce(Artifacts.clientJar()));
    if (!args.contains("--cacert")) {
      command.addAll(List.of("--cacert", pki.rootPem().toString()));
    }
    command.addAll(args);
    command.add(method);
    command.add(url);
    return ExternalProcess.run(command, CLI_TIMEOUT);
  }

  /** The one {@code error: } line the CLI prints on failure. */
  private static String errorLine(ExternalProcess.Result result) {
    List<String> errors = result.stderr().lines().filter(line -> line.startsWith("error: ")).toList();
    assertThat(errors).as(result.describe()).hasSize(1);
    return errors.get(0);
  }

  /** The trace's messages as "--> Name" (client to server) or "<-- Name" (server to client), in order. */
  private static List<String> traceMessages(ExternalProcess.Result result) {
    List<String> messages = new ArrayList<>();
    for (String line : result.stderr().lines().toList()) {
      Matcher matcher = TRACE_LINE.matcher(line);
      if (matcher.find()) {
        messages.add(matcher.group(1) + " " + matcher.group(2));
      }
    }
    assertThat(messages).as("trace lines in " + result.describe()).isNotEmpty();
    return messages;
  }
}
