package dev.mtls.e2e;

import static dev.mtls.server.Rejection.Stage.FORWARDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsResponse;
import dev.mtls.pki.material.Fingerprint;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.peers.ExternalProcess;
import dev.mtls.testing.peers.FreePort;
import dev.mtls.testing.peers.Peer;
import dev.mtls.testing.peers.RequiresPeer;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.pki.CastFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * nginx and HAProxy terminating mutual TLS in front of the server and forwarding the client's certificate, run from
 * the repository's own deployment examples ({@code deploy/terminating/}): the server, which pins the proxies' key
 * as the deployment guide says (its openssl pipeline run as written), serves the forwarded client with its own
 * roles and names the proxy, judges the forwarded certificate with the same trust core (a revoked or foreign one is
 * refused for that reason), and refuses the header from a client that is not the pinned proxy, whatever its name.
 */
@RequiresPeer({Peer.NGINX, Peer.HAPROXY, Peer.OPENSSL})
class ForwardingProxyScenarioTest {
  /** How docs/operating/deployment.md has the operator compute a proxy's pin, word for word. */
  static final String PIN_OF = "openssl x509 -in %s -noout -pubkey | openssl pkey -pubin -outform der | sha256sum";

  @TempDir static Path dir;
  static CastFiles pki;
  static RunningServer server;
  static final Map<String, ExternalProcess> proxies = new LinkedHashMap<>();
  static final Map<String, Integer> ports = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    pki = Cast.create().writeTo(dir.resolve("pki"));
    CastFiles.Credential proxy = pki.add("edge-proxy", pki.cast().client("CN=edge-proxy," + Cast.ORG));
    pki.add("proxy-namesake", pki.cast().client("CN=edge-proxy," + Cast.ORG));
    String pin = pinOf(proxy.certificate());
    assertThat(Fingerprint.parse(pin)).isEqualTo(Fingerprint.publicKeySha256(proxy.x509()));
    Path config = ServerProcess.config(dir.resolve("server"), pki.server().chain(), pki.server().key(),
        pki.rootPem(), "crl = " + pki.crlPem() + "\ntrusted-proxy-keys = " + pin + "\ntrusted-proxy-intermediates = "
            + pki.intermediatePem());
    // A role for the proxy's name, as configurations before pinning had: it makes no one a proxy.
    Files.writeString(config.resolveSibling("roles.conf"), "proxy subject.CN=edge-proxy\n", StandardOpenOption.APPEND);
    server = RunningServer.fromConfig(config);

    Map<String, String> values = new LinkedHashMap<>();
    values.put("BACKEND_PORT", Integer.toString(server.port()));
    values.put("PROXY_SERVER_CERT", pki.server().chain().toString());
    values.put("PROXY_SERVER_KEY", pki.server().key().toString());
    values.put("PROXY_CLIENT_CERT", proxy.chain().toString());
    values.put("PROXY_CLIENT_KEY", proxy.key().toString());
    values.put("PROXY_SERVER_PEM", concatenate("server.pem", pki.server().chain(), pki.server().key()).toString());
    values.put("PROXY_CLIENT_PEM", concatenate("proxy.pem", proxy.chain(), proxy.key()).toString());
    values.put("CLIENT_CA", pki.rootPem().toString());
    values.put("SERVER_CA", pki.rootPem().toString());

    Path nginxPrefix = Files.createDirectories(dir.resolve("nginx"));
    values.put("PREFIX", nginxPrefix.toString());
    start("nginx", "nginx.conf", values, nginxPrefix, (file) -> List.of(Peer.NGINX.path(),
        "-p", nginxPrefix + "/", "-c", file.toString(), "-e", nginxPrefix.resolve("error.log").toString(),
        "-g", "daemon off;"));
    start("haproxy", "haproxy.cfg", values, Files.createDirectories(dir.resolve("haproxy")),
        (file) -> List.of(Peer.HAPROXY.path(), "-f", file.toString(), "-db"));
  }

  /** The pin of {@code certificate}'s key, by the documented pipeline: the first word sha256sum prints. */
  private static String pinOf(Path certificate) {
    String path = Path.of(Peer.OPENSSL.path()).getParent() + java.io.File.pathSeparator + System.getenv("PATH");
    ExternalProcess.Result result = ExternalProcess.run(List.of("bash", "-o", "pipefail", "-c",
        String.format(PIN_OF, certificate)), Map.of("PATH", path), null, Duration.ofSeconds(30));
    assertThat(result.exitCode()).as(result.describe()).isZero();
    return result.stdout().strip().split("\\s+")[0];
  }

  private static Path concatenate(String name, Path... parts) throws IOException {
    StringBuilder text = new StringBuilder();
    for (Path part : parts) {
      text.append(Files.readString(part, StandardCharsets.UTF_8));
    }
    return Files.writeString(dir.resolve(name), text.toString(), StandardCharsets.UTF_8);
  }

  /** Starts a proxy from the repository's example, its placeholders filled in, and waits until it listens. */
  private static void start(String name, String example, Map<String, String> values, Path directory,
      java.util.function.Function<Path, List<String>> command) throws Exception {
    int port = FreePort.pick();
    String text = Files.readString(Artifacts.basedir().resolve("../deploy/terminating/" + example).normalize(),
        StandardCharsets.UTF_8).replace("{{LISTEN_PORT}}", Integer.toString(port));
    for (Map.Entry<String, String> value : values.entrySet()) {
      text = text.replace("{{" + value.getKey() + "}}", value.getValue());
    }
    assertThat(text).as(example + " has no placeholder left").doesNotContain("{{");
    Path file = Files.writeString(directory.resolve(example), text, StandardCharsets.UTF_8);
    ExternalProcess process = ExternalProcess.start(command.apply(file), Map.of(), null);
    proxies.put(name, process);
    Eventually.within(Duration.ofSeconds(15)).until(name + " to listen on " + port, () -> {
      if (!process.isAlive()) {
        throw new AssertionError(name + " did not start: " + process.stderrSoFar());
      }
      return FreePort.isListening(port);
    });
    ports.put(name, port);
  }

  @AfterAll
  static void stop() {
    proxies.values().forEach(ExternalProcess::close);
    if (server != null) {
      server.close();
    }
  }

  private static MtlsResponse through(String proxy, String client, String path) throws Exception {
    try (MtlsClient mtls = Clients.builder(pki, client, null).build()) {
      return mtls.get(URI.create("https://localhost:" + ports.get(proxy) + path));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"nginx", "haproxy"})
  void alice_gets_her_own_roles_through_the_proxy_and_the_server_names_the_proxy(String proxy) throws Exception {
    MtlsResponse whoami = through(proxy, "alice", "/whoami");
    MtlsResponse reports = through(proxy, "bob", "/api/reports");

    assertThat(whoami.status()).isEqualTo(200);
    assertThat(whoami.bodyText()).contains("\"subject\":\"CN=alice,OU=admins," + Cast.ORG + "\"",
        "\"roles\":[\"admin\"]", "\"forwardedBy\":{\"subject\":\"CN=edge-proxy," + Cast.ORG + "\"");
    assertThat(reports.status()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"nginx", "haproxy"})
  void a_forwarded_revoked_or_foreign_certificate_is_refused_with_its_true_reason(String proxy) throws Exception {
    int revokedBefore = server.rejections(FORWARDED, Reason.REVOKED);
    int foreignBefore = server.rejections(FORWARDED, Reason.UNTRUSTED_ISSUER);

    MtlsResponse revoked = through(proxy, "revoked", "/whoami");
    MtlsResponse foreign = through(proxy, "foreign", "/whoami");

    assertThat(revoked.status()).isEqualTo(401);
    assertThat(foreign.status()).isEqualTo(401);
    server.awaitRejections(FORWARDED, Reason.REVOKED, revokedBefore + 1);
    server.awaitRejections(FORWARDED, Reason.UNTRUSTED_ISSUER, foreignBefore + 1);
  }

  /** Bob, and a certificate named like the proxy with another key (what a CA signing CN=* issues to anyone). */
  @ParameterizedTest
  @ValueSource(strings = {"bob", "proxy-namesake"})
  void a_direct_client_that_forges_the_admins_client_cert_is_refused_with_400(String client) throws Exception {
    int before = server.rejections(FORWARDED, Reason.NOT_A_TRUSTED_PROXY);
    BasicClassicHttpRequest forged = new BasicClassicHttpRequest("POST", server.url("/api/admin/reload"));
    forged.setHeader("Client-Cert", ":" + java.util.Base64.getEncoder().encodeToString(pki.get("alice").x509()
        .getEncoded()) + ":");

    try (MtlsClient forger = Clients.builder(pki, client, null).build()) {
      assertThat(forger.execute(forged).status()).isEqualTo(400);
    }
    server.awaitRejections(FORWARDED, Reason.NOT_A_TRUSTED_PROXY, before + 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"nginx", "haproxy"})
  void the_proxy_replaces_a_client_cert_header_its_client_sent(String proxy) throws Exception {
    BasicClassicHttpRequest forged = new BasicClassicHttpRequest("GET",
        URI.create("https://localhost:" + ports.get(proxy) + "/whoami"));
    forged.setHeader("Client-Cert", ":" + java.util.Base64.getEncoder().encodeToString(pki.get("alice").x509()
        .getEncoded()) + ":");

    try (MtlsClient bob = Clients.builder(pki, "bob", null).build()) {
      MtlsResponse answer = bob.execute(forged);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.bodyText()).contains("\"subject\":\"CN=bob,OU=readers," + Cast.ORG + "\"");
    }
  }
}
