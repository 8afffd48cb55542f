package dev.mtls.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.client.Diagnosis;
import dev.mtls.client.MtlsResponse;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.pki.CastFiles;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS 1.3 and TLS 1.2, each forced from the client side and seen from both ends (the client's session and the
 * server's /whoami), and a server that allows only TLS 1.3 refusing a TLS 1.2-only client.
 */
class TlsVersionScenarioTest {
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
  void tls13_forced_by_the_client_is_negotiated() {
    MtlsResponse response = Clients.send(Clients.builder(pki, "alice", "TLSv1.3"), "GET", server.url("/whoami"));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.tls().protocol()).isEqualTo("TLSv1.3");
    assertThat(response.bodyText()).contains("\"tls\":{\"protocol\":\"TLSv1.3\",\"cipherSuite\":\"TLS_AES_");
    assertThat(response.tls().certificateRequested()).isTrue();
    assertThat(response.tls().certificateSent()).isTrue();
  }

  @Test
  void tls12_forced_by_the_client_is_negotiated() {
    MtlsResponse response = Clients.send(Clients.builder(pki, "alice", "TLSv1.2"), "GET", server.url("/whoami"));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.tls().protocol()).isEqualTo("TLSv1.2");
    // Forward secrecy and AEAD only, on 1.2 as well.
    assertThat(response.tls().cipherSuite()).startsWith("TLS_ECDHE_").containsAnyOf("_GCM_", "_CHACHA20_");
    assertThat(response.bodyText())
        .contains("\"tls\":{\"protocol\":\"TLSv1.2\",\"cipherSuite\":\"" + response.tls().cipherSuite() + "\"");
    assertThat(response.tls().certificateSent()).isTrue();
  }

  @Test
  void server_allowing_only_tls13_refuses_a_tls12_only_client() {
    try (RunningServer tls13Only = RunningServer.start(pki, dir.resolve("tls13-only"),
        builder -> builder.protocols(List.of("TLSv1.3")))) {
      tls13Only.clearLogs();

      Diagnosis diagnosis = Clients.refused(pki, "alice", "TLSv1.2", tls13Only.url("/whoami"));

      assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.NO_COMMON_PROTOCOL);
      assertThat(diagnosis.sentence())
          .isEqualTo("The client and the server have no TLS version or cipher suite in common.");
      assertThat(tls13Only.awaitRejection(Reason.NO_COMMON_PROTOCOL).stage())
          .isEqualTo(dev.mtls.server.Rejection.Stage.HANDSHAKE);
    }
  }
}
