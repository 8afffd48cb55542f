package dev.mtls.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.client.Diagnosis;
import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsException;
import dev.mtls.client.MtlsResponse;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.server.Rejection;
import dev.mtls.testing.Eventually;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A client revoked with the CA while server and client run is refused, on its open connection and on new ones,
 * within the server's revocation-max-age, learnt from where the CA publishes ({@link PublishingCa}: the project's
 * {@code pki serve} library), with no CRL file given to or copied to the server: once through the OCSP responder the
 * certificate names, once through the CRL at its distribution point.
 */
class RevokedWhileRunningScenarioTest {
  private static final Duration MAX_AGE = Duration.ofSeconds(2);
  // Hard-fail is the default: a cold server process on a busy machine may take longer than the default 2 s for its
  // first fetch and would refuse the client for that, which is not what these tests are about.
  private static final String FETCH_TIMEOUT = "revocation-timeout = 10s\n";

  @TempDir static Path dir;
  static PublishingCa ca;

  @BeforeAll
  static void start() throws IOException {
    ca = PublishingCa.start(dir);
  }

  @AfterAll
  static void stop() {
    if (ca != null) {
      ca.close();
    }
  }

  private static RunningServer server(String name, String revocation, String identity) throws IOException {
    return RunningServer.fromConfig(ServerProcess.config(dir.resolve(name), ca.chain(identity), ca.key(identity),
        ca.rootPem(), "revocation-max-age = " + MAX_AGE.toSeconds() + "s\n" + FETCH_TIMEOUT + revocation));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "ocsp|ocsp = aia; crl-distribution-points = on",
      "crl-distribution-point|crl-distribution-points = on"})
  void a_client_revoked_while_connected_is_refused_within_the_max_age(String source, String revocation)
      throws Exception {
    ca.issueClient("dave-" + source);
    try (RunningServer server = server(source, revocation.replace("; ", "\n"), "server");
        MtlsClient dave = ca.client("dave-" + source).build()) {
      URI whoami = server.url("/whoami");
      assertThat(dave.send("GET", whoami, null, null).status()).isEqualTo(200);

      ca.revoke("dave-" + source);
      long revoked = System.nanoTime();
      MtlsResponse response = Eventually.within(Duration.ofSeconds(20)).await("the revocation to reach the server",
          () -> send(dave, whoami), answer -> answer.status() != 200);
      Duration noticed = Duration.ofNanos(System.nanoTime() - revoked);

      assertThat(response.status()).as("the open connection").isEqualTo(401);
      assertThat(response.bodyText()).contains("revoked");
      assertThat(noticed).isLessThan(MAX_AGE.plusSeconds(3));
      Clients.refused(ca.client("dave-" + source), "GET", whoami);
      server.awaitRejections(Rejection.Stage.HANDSHAKE, Reason.REVOKED, 1);
    }
  }

  @Test
  void a_client_refuses_a_server_whose_stapled_answer_says_revoked_and_names_the_reason() throws Exception {
    ca.issueServer("revoked-server");
    ca.revoke("revoked-server");
    ca.issueClient("erin");

    try (RunningServer server = server("revoked-server", "ocsp = aia\ncrl-distribution-points = on\n"
        + "ocsp-stapling = on", "revoked-server")) {
      // The client asks no one: the server's own stapled answer says it is revoked.
      Diagnosis refused = Clients.refused(ca.client("erin"), "GET", server.url("/whoami"));

      assertThat(refused.reason()).isEqualTo(Reason.REVOKED);
      assertThat(refused.render()).contains("keyCompromise", "the OCSP response the server stapled");
    }
  }

  private static MtlsResponse send(MtlsClient client, URI uri) {
    try {
      return client.send("GET", uri, null, null);
    } catch (MtlsException e) {
      throw new AssertionError(e.getDiagnosis().render(), e);
    }
  }
}
