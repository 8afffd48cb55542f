package dev.mtls.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.client.Diagnosis;
import dev.mtls.client.MtlsClientBuilder;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.testing.peers.Jdk;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.pki.CastFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual means both ways: the client refuses a server whose certificate does not name the host it connected to, or
 * does not chain to a CA the client trusts. The server then logs that the client aborted (INFO: not a refusal of its
 * own), and no request reaches it. (JDK 25's message for the alert starts with "(certificate_unknown) "; JDK 17's
 * does not.)
 */
class ServerVerificationScenarioTest {
  @TempDir static Path dir;
  static CastFiles pki;
  static RunningServer server;

  @BeforeAll
  static void start() {
    pki = Cast.create().writeTo(dir.resolve("pki"));
    server = RunningServer.start(pki, dir.resolve("server"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void client_refuses_server_certificate_issued_for_another_host_name() {
    CastFiles.Credential otherHost = pki.get("otherhost");
    try (RunningServer misnamed = RunningServer.start(pki, dir.resolve("misnamed"),
        builder -> builder.identityPem(otherHost.chain(), otherHost.key(), null))) {
      misnamed.clearLogs();

      Diagnosis diagnosis = Clients.refused(pki, "alice", null, misnamed.url("localhost", "/whoami"));

      assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.HOSTNAME_MISMATCH);
      assertThat(diagnosis.reason()).isEqualTo(Reason.HOSTNAME_MISMATCH);
      assertThat(diagnosis.sentence()).isEqualTo("The server certificate \"CN=other.example," + Cast.ORG
          + "\" is not valid for localhost: it names [DNS:other.example].");
      assertThat(misnamed.rejections()).as("the client gave up on the server: not a refusal").isEmpty();
      assertThat(misnamed.requests()).isEmpty();
    }
  }

  @Test
  void client_refuses_server_when_connecting_by_an_address_missing_from_its_certificate() {
    CastFiles.Credential otherHost = pki.get("otherhost");
    try (RunningServer misnamed = RunningServer.start(pki, dir.resolve("misnamed-ip"),
        builder -> builder.identityPem(otherHost.chain(), otherHost.key(), null))) {

      Diagnosis diagnosis = Clients.refused(pki, "alice", null, misnamed.url("127.0.0.1", "/whoami"));

      assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.HOSTNAME_MISMATCH);
      assertThat(diagnosis.sentence()).isEqualTo("The server certificate \"CN=other.example," + Cast.ORG
          + "\" is not valid for 127.0.0.1: it names [DNS:other.example].");
    }
  }

  @Test
  void client_that_does_not_trust_the_servers_ca_refuses_it() {
    server.clearLogs();
    MtlsClientBuilder client = Clients.builder(pki, "alice", null)
        .trust(TrustAnchors.loadPem(pki.foreignRootPem()));

    Diagnosis diagnosis = Clients.refused(client, "GET", server.url("/whoami"));

    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.SERVER_NOT_TRUSTED);
    assertThat(diagnosis.sentence()).isEqualTo("We do not trust the server's certificate: not issued by a trusted CA: CA certificate \"" + Cast.ISSUING_DN
          + "\" was issued by \"" + Cast.ROOT_DN + "\", which is not a trust anchor here.");
    assertThat(diagnosis.hint()).isEqualTo("We trust CN=Foreign Root CA,O=elsewhere. "
        + "Pass the CA that issued the server's certificate with --cacert."
        + Jdk.sentAlertSentence("certificate_unknown"));
    assertThat(server.rejections()).as("the client gave up on the server: not a refusal").isEmpty();
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void client_refuses_server_from_foreign_ca_even_when_the_name_matches() {
    CastFiles.Credential foreignServer = pki.get("foreignserver");
    try (RunningServer impostor = RunningServer.start(pki, dir.resolve("foreign-server"),
        builder -> builder.identityPem(foreignServer.chain(), foreignServer.key(), null))) {

      Diagnosis diagnosis = Clients.refused(pki, "alice", null, impostor.url("/whoami"));

      assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.SERVER_NOT_TRUSTED);
      assertThat(diagnosis.reason()).isEqualTo(Reason.UNTRUSTED_ISSUER);
      assertThat(diagnosis.sentence()).isEqualTo("We do not trust the server's certificate: not issued by a trusted"
          + " CA: CA certificate \"CN=Foreign Issuing CA,O=elsewhere\" was issued by \"CN=Foreign Root CA,O=elsewhere\","
          + " which is not a trust anchor here.");
    }
  }
}
