package dev.mtls.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.client.Diagnosis;
import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsResponse;
import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.CertificateSpec;
import dev.mtls.pki.CrlPublisher;
import dev.mtls.pki.IssuedCertificate;
import dev.mtls.pki.OcspResponder;
import dev.mtls.pki.PublicationServer;
import dev.mtls.pki.RevocationReason;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.SubjectAltName;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.Reason;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A client revoked with the CA while server and client run is refused, on its open connection and on new ones,
 * within the server's revocation-max-age, learnt from where the CA publishes (the project's {@code pki serve}
 * library: OCSP at /ocsp, CRLs at /crl/...), with no CRL file given to or copied to the server: once through the OCSP
 * responder the certificate names, once through the CRL at its distribution point.
 */
class RevokedWhileRunningScenarioTest {
  private static final char[] PASSWORD = "revocation-e2e".toCharArray();
  private static final Duration MAX_AGE = Duration.ofSeconds(2);

  @TempDir static Path dir;
  static CaDirectory ca;
  static PublicationServer publication;
  static Path serverChain;
  static Path serverKey;

  @BeforeAll
  static void start() throws IOException {
    int port = FreePort.pick();
    String base = "http://127.0.0.1:" + port;
    Clock clock = Clock.systemUTC();
    ca = CaDirectory.init(dir.resolve("ca"), PASSWORD, CaDirectory.InitOptions.defaults("revocation e2e")
        .withUrls(base + "/crl/issuing.crl", base + "/crl/root.crl", base + "/ocsp"), false, clock);
    IssuedCertificate server = ca.issue(CertificateSpec.server("CN=localhost,O=revocation e2e")
        .addSubjectAltName(SubjectAltName.dns("localhost")).addSubjectAltName(SubjectAltName.ip("127.0.0.1"))
        .build());
    serverChain = write("server-chain.pem", server.chainPem());
    serverKey = write("server.key", server.privateKeyPem());
    publication = PublicationServer.builder().port(port)
        .ocspResponder("/ocsp", new OcspResponder(ca, ca.ocspSigner(Duration.ofDays(7), Duration.ofDays(1)),
            Duration.ofMinutes(10), clock))
        .crls("/crl", new CrlPublisher(ca, Duration.ofMinutes(60), clock))
        .start();
  }

  @AfterAll
  static void stop() {
    if (publication != null) {
      publication.close();
    }
    if (ca != null) {
      ca.close();
    }
  }

  private static Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private static ServerProcess server(String name, String revocation) throws IOException {
    return server(name, revocation, serverChain, serverKey);
  }

  private static ServerProcess server(String name, String revocation, Path chain, Path key) throws IOException {
    return ServerProcess.start(ServerProcess.config(dir.resolve(name), chain, key, ca.directory().resolve("root.pem"),
        "revocation-max-age = " + MAX_AGE.toSeconds() + "s\n" + revocation));
  }

  private static MtlsClient client(String name) throws IOException {
    issueClient(name);
    return builder(name).build();
  }

  /** Issues a client certificate for {@code name} (OU=admins) and writes its chain and key. */
  private static void issueClient(String name) throws IOException {
    IssuedCertificate issued = ca.issue(CertificateSpec.client("CN=" + name + ",OU=admins,O=revocation e2e")
        .build());
    write(name + "-chain.pem", issued.chainPem());
    write(name + ".key", issued.privateKeyPem());
  }

  /** A client with the identity {@code name} written by {@link #issueClient}, sending it whatever it thinks of it. */
  private static MtlsClient.Builder builder(String name) {
    return MtlsClient.builder()
        .trust(TrustAnchors.loadPem(ca.directory().resolve("root.pem")))
        .identity(Identity.loadPem(dir.resolve(name + "-chain.pem"), dir.resolve(name + ".key"), null))
        .enforcePreflight(false);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "ocsp|ocsp = aia; crl-distribution-points = on",
      "crl-distribution-point|crl-distribution-points = on"})
  void a_client_revoked_while_connected_is_refused_within_the_max_age(String source, String revocation)
      throws Exception {
    try (ServerProcess server = server(source, revocation.replace("; ", "\n"));
        MtlsClient dave = client("dave-" + source)) {
      URI whoami = URI.create(server.url("/whoami"));
      assertThat(dave.send("GET", whoami, null, null).status()).isEqualTo(200);

      ca.revoke(dave.certificate().orElseThrow().getSerialNumber(), RevocationReason.KEY_COMPROMISE);
      long revoked = System.nanoTime();
      MtlsResponse response = dave.send("GET", whoami, null, null);
      while (response.status() == 200 && System.nanoTime() - revoked < Duration.ofSeconds(20).toNanos()) {
        Thread.sleep(200);
        response = dave.send("GET", whoami, null, null);
      }
      Duration noticed = Duration.ofNanos(System.nanoTime() - revoked);

      assertThat(response.status()).as("the open connection").isEqualTo(401);
      assertThat(response.bodyText()).contains("revoked");
      assertThat(noticed).isLessThan(MAX_AGE.plusSeconds(3));
      Clients.refused(builder("dave-" + source), "GET", whoami);
      server.awaitMetric(ServerProcess.refusedHandshakes(Reason.REVOKED), 1);
    }
  }

  @Test
  void a_client_refuses_a_server_whose_stapled_answer_says_revoked_and_names_the_reason() throws Exception {
    IssuedCertificate revokedServer = ca.issue(CertificateSpec.server("CN=localhost,OU=revoked,O=revocation e2e")
        .addSubjectAltName(SubjectAltName.dns("localhost")).addSubjectAltName(SubjectAltName.ip("127.0.0.1"))
        .build());
    ca.revoke(revokedServer.certificate().getSerialNumber(), RevocationReason.KEY_COMPROMISE);
    issueClient("erin");

    try (ServerProcess server = server("revoked-server", "ocsp = aia\ncrl-distribution-points = on\n"
        + "ocsp-stapling = on", write("revoked-server-chain.pem", revokedServer.chainPem()),
        write("revoked-server.key", revokedServer.privateKeyPem()))) {
      // The client asks no one: the server's own stapled answer says it is revoked.
      Diagnosis refused = Clients.refused(builder("erin"), "GET", URI.create(server.url("/whoami")));

      assertThat(refused.reason()).isEqualTo(Reason.REVOKED);
      assertThat(refused.render()).contains("keyCompromise", "the OCSP response the server stapled");
    }
  }
}
