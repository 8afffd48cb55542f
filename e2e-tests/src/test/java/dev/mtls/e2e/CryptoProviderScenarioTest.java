package dev.mtls.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.client.Diagnosis;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.pki.CastFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server jar with the optional crypto provider ({@code crypto-provider = accp}, its jar on the class path, as
 * docs/performance.md shows): the provider really computes the handshake's signatures and the records, and the trust
 * decision is the same as with the JDK's: the same clients served, the same ones refused for the same reasons.
 * ACCP's published jar is for linux-x86_64, so are these tests.
 */
@EnabledOnOs(value = OS.LINUX, architectures = "amd64")
class CryptoProviderScenarioTest {
  @TempDir static Path dir;
  static CastFiles pki;
  static ServerProcess server;

  @BeforeAll
  static void start() throws IOException {
    pki = Cast.create().writeTo(dir.resolve("pki"));
    server = ServerProcess.start(config(dir.resolve("accp"), "accp"), List.of(Artifacts.accpJar()));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void reports_that_accp_computes_signatures_key_agreement_and_records() throws Exception {
    String status = server.management("/status").body();

    assertThat(status).contains("\"cryptoProviders\":{\"SHA256withECDSA\":\"AmazonCorrettoCryptoProvider\","
        + "\"ECDH\":\"AmazonCorrettoCryptoProvider\"", "\"AES/GCM/NoPadding\":\"AmazonCorrettoCryptoProvider\","
        + "\"HmacSHA256\":\"AmazonCorrettoCryptoProvider\"}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void serves_a_trusted_client_over_either_protocol(String protocol) {
    URI whoami = URI.create(server.url("/whoami"));

    assertThat(Clients.send(Clients.builder(pki, "alice", protocol), "GET", whoami).status()).isEqualTo(200);
  }

  @Test
  void refuses_foreign_and_revoked_clients_for_the_same_reasons_as_with_the_jdk_provider() throws Exception {
    URI whoami = URI.create(server.url("/whoami"));

    assertThat(Clients.refused(pki, "foreign", null, whoami).reason()).isEqualTo(Reason.UNTRUSTED_ISSUER);
    // The server's alert does not say why; its own count does.
    assertThat(Clients.refused(pki, "revoked", null, whoami).kind())
        .isEqualTo(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED);
    server.awaitMetric(ServerProcess.refusedHandshakes(Reason.UNTRUSTED_ISSUER), 1);
    server.awaitMetric(ServerProcess.refusedHandshakes(Reason.REVOKED), 1);
  }

  @Test
  void asking_for_accp_without_its_jar_stops_the_server_at_start_with_exit_code_2() throws Exception {
    Path config = config(dir.resolve("without-jar"), "accp");
    List<String> command = List.of(Artifacts.java().toString(), "-jar", Artifacts.serverJar().toString(),
        "--config", config.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(config.resolveSibling("server.out").toFile()).start();

    assertThat(process.waitFor(ServerProcess.START_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
        .isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
  }

  private static Path config(Path directory, String provider) throws IOException {
    return ServerProcess.config(directory, pki.server().chain(), pki.server().key(), pki.rootPem(),
        "crl = " + pki.crlPem() + "\ncrypto-provider = " + provider);
  }
}
