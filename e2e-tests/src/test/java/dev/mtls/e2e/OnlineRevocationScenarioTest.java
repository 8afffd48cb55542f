package dev.mtls.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.client.Diagnosis;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.peers.ExternalProcess;
import dev.mtls.testing.peers.FreePort;
import dev.mtls.testing.peers.Peer;
import dev.mtls.testing.peers.RequiresPeer;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.pki.CastFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server asking a third-party OCSP responder, {@code openssl ocsp -index ... -port}, about its clients, and
 * stapling that responder's answer about its own certificate for {@code openssl s_client -status}; and what it
 * does when a responder is dead or hangs. No CRL of the issuing CA is given to the server: the leaves' status comes
 * from the responder alone (the intermediate's from the root's CRL, as sources combine).
 */
@RequiresPeer(Peer.OPENSSL)
class OnlineRevocationScenarioTest {
  private static final DateTimeFormatter OPENSSL_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'")
      .withZone(ZoneOffset.UTC);

  private static final String RESPONDER_READY = "waiting for OCSP client connections";
  private static final int START_ATTEMPTS = 5;

  @TempDir static Path dir;
  static CastFiles pki;
  static int ocspPort;
  static ExternalProcess responder;
  static ServerSocket blackHole;
  static final List<RunningServer> servers = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    // openssl binds the port on every address, where a port free on loopback a moment ago may since be taken (a
    // client's ephemeral port too): then everything starts again on another, the PKI too, which names the responder.
    String failures = "";
    for (int attempt = 1; responder == null; attempt++) {
      int port = FreePort.pick();
      ExternalProcess started = startResponder(port, dir.resolve("attempt-" + attempt));
      String printed = Eventually.within(Duration.ofSeconds(30)).await("openssl's OCSP responder to wait for"
          + " connections or exit", started::stderrSoFar, text -> text.contains(RESPONDER_READY) || !started.isAlive());
      if (printed.contains(RESPONDER_READY) && started.isAlive()) {
        responder = started;
        ocspPort = port;
      } else {
        failures += "\n--- attempt " + attempt + " on port " + port + ":\n" + started.stderrSoFar();
        started.close();
        assertThat(attempt).as("openssl's OCSP responder did not start:" + failures).isLessThan(START_ATTEMPTS);
      }
    }
    // Accepts connections into its backlog and never answers: a responder that hangs.
    blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  /** Issues the cast with {@code port} in its certificates' OCSP URL and starts a responder for it there. */
  private static ExternalProcess startResponder(int port, Path directory) throws IOException {
    pki = Cast.publishing(new Cast.Publication("http://127.0.0.1:" + port, null, null))
        .writeTo(directory.resolve("pki"));
    Path index = directory.resolve("index.txt");
    Files.writeString(index, entry(pki.get("server").x509(), null) + entry(pki.get("alice").x509(), null)
        + entry(pki.get("revoked").x509(), "keyCompromise"), StandardCharsets.US_ASCII);
    // Not probed by connecting: openssl's responder exits on a connection that sends no request.
    return ExternalProcess.start(List.of(Peer.OPENSSL.path(), "ocsp", "-index", index.toString(), "-port",
        Integer.toString(port), "-rsigner", pki.intermediatePem().toString(), "-rkey",
        pki.intermediateKey().toString(), "-CA", pki.intermediatePem().toString(), "-nmin", "5"), Map.of(), null);
  }

  @AfterAll
  static void stop() throws IOException {
    servers.forEach(RunningServer::close);
    if (responder != null) {
      responder.close();
    }
    if (blackHole != null) {
      blackHole.close();
    }
  }

  /** A line of openssl's CA database: V (valid) or R (revoked, with reason), expiry, serial, subject. */
  private static String entry(X509Certificate certificate, String revocationReason) {
    String expiry = OPENSSL_TIME.format(certificate.getNotAfter().toInstant());
    String revoked = revocationReason == null ? "" : OPENSSL_TIME.format(java.time.Instant.now().minusSeconds(60))
        + "," + revocationReason;
    String serial = certificate.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
    return (revocationReason == null ? "V" : "R") + "\t" + expiry + "\t" + revoked + "\t"
        + (serial.length() % 2 == 0 ? serial : "0" + serial) + "\tunknown\t/CN=" + certificate.getSerialNumber()
        + "\n";
  }

  private static RunningServer server(String name, String revocation) throws IOException {
    RunningServer server = RunningServer.fromConfig(ServerProcess.config(dir.resolve(name), pki.server().chain(),
        pki.server().key(), pki.rootPem(), "crl = " + pki.rootCrlPem() + "\n" + revocation));
    servers.add(server);
    return server;
  }

  @Test
  void refuses_the_client_openssls_responder_says_is_revoked_and_serves_a_good_one() throws Exception {
    RunningServer server = server("configured", "ocsp = http://127.0.0.1:" + ocspPort);
    URI whoami = server.url("/whoami");

    assertThat(Clients.get(pki, "alice", whoami).status()).isEqualTo(200);
    assertThat(Clients.refused(pki, "revoked", null, whoami).kind())
        .isEqualTo(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED);
    server.awaitRejection(Reason.REVOKED);
  }

  @Test
  void refuses_a_client_the_responder_does_not_know() throws Exception {
    RunningServer server = server("unknown", "ocsp = aia");
    // bob is not in openssl's index: its responder answers "unknown".
    Clients.refused(pki, "bob", null, server.url("/whoami"));

    server.awaitRejection(Reason.REVOCATION_UNKNOWN);
  }

  @Test
  void openssl_s_client_sees_the_stapled_ocsp_response_for_the_server_certificate() throws Exception {
    RunningServer server = server("stapling", "ocsp = aia\nocsp-stapling = on");
    CastFiles.Credential alice = pki.get("alice");

    ExternalProcess.Result result = ExternalProcess.run(List.of(Peer.OPENSSL.path(),
        "s_client", "-connect", "127.0.0.1:" + server.port(), "-servername", "localhost", "-status", "-CAfile",
        pki.rootPem().toString(), "-cert", alice.certificate().toString(), "-key", alice.key().toString()),
        Map.of(), "", Duration.ofSeconds(30));

    assertThat(result.stdout()).contains("OCSP Response Status: successful (0x0)").contains("Cert Status: good")
        .contains("Responder Id:");
  }

  @Test
  void a_client_that_requires_a_staple_accepts_a_stapling_server_and_refuses_one_that_does_not_staple()
      throws Exception {
    RunningServer stapling = server("stapling-for-client", "ocsp = aia\nocsp-stapling = on");
    RunningServer plain = server("not-stapling", "ocsp = aia");

    assertThat(Clients.send(Clients.builder(pki, "alice", null).requireStapledOcsp(true), "GET",
        stapling.url("/whoami")).status()).isEqualTo(200);
    Diagnosis refused = Clients.refused(Clients.builder(pki, "alice", null).requireStapledOcsp(true), "GET",
        plain.url("/whoami"));
    assertThat(refused.reason()).isEqualTo(Reason.MISSING_STAPLE);
    assertThat(refused.render()).contains("must-staple");
  }

  @Test
  void a_hanging_responder_refuses_under_hard_fail_within_the_timeout() throws Exception {
    RunningServer server = server("hard-fail", "ocsp = http://127.0.0.1:" + blackHole.getLocalPort()
        + "\nrevocation-timeout = 500ms");
    URI whoami = server.url("/whoami");

    long started = System.nanoTime();
    Clients.refused(pki, "alice", null, whoami);
    Duration first = Duration.ofNanos(System.nanoTime() - started);
    started = System.nanoTime();
    Clients.refused(pki, "alice", null, whoami);
    Duration second = Duration.ofNanos(System.nanoTime() - started);

    server.awaitRejections(Reason.REVOCATION_UNKNOWN, 2);
    assertThat(first).isLessThan(Duration.ofSeconds(3));
    assertThat(second).as("the responder is known to be down: no second wait").isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void a_hanging_responder_is_accepted_under_soft_fail_within_the_timeout() throws Exception {
    RunningServer server = server("soft-fail", "ocsp = http://127.0.0.1:" + blackHole.getLocalPort()
        + "\nrevocation-timeout = 500ms\nrevocation-unavailable = soft-fail");

    long started = System.nanoTime();
    int status = Clients.get(pki, "alice", server.url("/whoami")).status();
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(status).isEqualTo(200);
    assertThat(took).isLessThan(Duration.ofSeconds(3));
  }
}
