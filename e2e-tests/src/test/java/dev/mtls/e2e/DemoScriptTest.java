package dev.mtls.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.testing.peers.ExternalProcess;
import dev.mtls.testing.peers.FreePort;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's first command, {@code ./demo}, as a newcomer runs it: the table, the trace, and a clean stop. */
class DemoScriptTest {
  @Test
  void demo_prints_each_identitys_outcome_with_its_reason_and_stops_the_server_it_started() {
    int port = FreePort.pick();
    int managementPort = FreePort.pick();
    int publishPort = FreePort.pick();
    Path script = Artifacts.basedir().resolve("../demo").normalize();
    // The demo runs "java" from PATH: make that the JDK running these tests.
    String path = Artifacts.java().getParent() + ":" + System.getenv("PATH");

    ExternalProcess.Result result = ExternalProcess.run(
        List.of("bash", script.toString(), "--port", String.valueOf(port), "--management-port",
            String.valueOf(managementPort), "--publish-port", String.valueOf(publishPort)),
        Map.of("PATH", path), null, Duration.ofMinutes(3));

    assertThat(result.exitCode()).as(result.describe()).isZero();
    assertThat(result.stdout()).contains(
        "alice     GET /api/reports             200       allowed: the certificate maps to roles=[admin]",
        "alice     POST /api/admin/reload       200       allowed: the certificate maps to roles=[admin]",
        "bob       GET /api/reports             200       allowed: the certificate maps to roles=[reader]",
        "bob       POST /api/admin/reload       403       forbidden: the route needs one of [\"admin\"], "
            + "the certificate maps to [\"reader\"]",
        "carol     GET /api/reports             403       forbidden: the route needs one of [\"admin\",\"reader\"], "
            + "the certificate maps to []",
        "(none)    GET /whoami                  refused   client: The server requires a client certificate and none "
            + "was sent.",
        "server: no certificate; the client sent no certificate and this server requires one",
        "server: not issued by a trusted CA; subject \"CN=alice,OU=admins,O=mtls-reference\", issuer "
            + "\"CN=Foreign Root CA,O=elsewhere\"",
        "server: expired; subject \"CN=expired,OU=admins,O=mtls-reference\"",
        "server: revoked; subject \"CN=revoked,OU=admins,O=mtls-reference\"",
        "(reason keyCompromise), says the OCSP responder http://127.0.0.1:" + publishPort + "/ocsp");
    // Where the status is published (pki inspect), and the server's own status stapled (openssl s_client -status).
    assertThat(result.stdout()).contains("OCSP responder:      http://127.0.0.1:" + publishPort + "/ocsp",
        "CRL distribution:    http://127.0.0.1:" + publishPort + "/crl/issuing.crl",
        "OCSP Response Status: successful (0x0)", "Cert Status: good");
    assertThat(result.stdout()).contains("client <--  server  EncryptedExtensions", "C->>S: CertificateVerify",
        "Certificate [CN=alice, OU=admins, O=mtls-reference <- CN=mtls-reference Issuing CA, O=mtls-reference]");
    assertThat(result.stdout()).contains("curl --cacert target/demo/ca/root.pem --cert target/demo/alice-chain.pem");
    assertThat(FreePort.isListening(port)).as("the demo stops the server it started").isFalse();
    assertThat(FreePort.isListening(managementPort)).isFalse();
    assertThat(FreePort.isListening(publishPort)).as("and the publisher").isFalse();
  }

  @Test
  void demo_refuses_a_port_in_use_with_one_clear_line() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Path script = Artifacts.basedir().resolve("../demo").normalize();
      String path = Artifacts.java().getParent() + ":" + System.getenv("PATH");

      ExternalProcess.Result result = ExternalProcess.run(
          List.of("bash", script.toString(), "--port", String.valueOf(taken.getLocalPort()), "--management-port",
              String.valueOf(FreePort.pick()), "--publish-port", String.valueOf(FreePort.pick())),
          Map.of("PATH", path), null, Duration.ofMinutes(3));

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.stderr()).isEqualTo("demo: port " + taken.getLocalPort() + " on 127.0.0.1 is in use; choose "
          + "others with --port N --management-port M --publish-port P\n");
    }
  }
}
