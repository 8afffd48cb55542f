package dev.mtls.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.renewal.RenewalEvent;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.peers.FreePort;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo as a newcomer runs it ({@code ./demo --keep-running}), in this JVM on free ports: the table with each
 * identity's outcome and reasons, the handshake, the stapled status, a short-lived certificate renewing itself, the
 * commands, and a clean stop on Enter.
 */
class DemoTest {
  private static final Shell SHELL = Shell.current();
  /**
   * A deadline, not a wait: a whole run on a loaded 2-core machine, JVM warm-up included, with the renewal step's
   * certificate living its 30 s.
   */
  private static final Duration A_WHOLE_RUN = Duration.ofSeconds(90);

  @TempDir
  static Path out;

  static Project project;
  static String output;
  static String outputWhileServing;
  static Demo.Listening listening;
  static RenewalStep.Result renewal;
  static boolean listeningWhileServing;

  @BeforeAll
  static void runTheDemoAndPressEnter() throws Exception {
    project = new Project(Path.of(System.getProperty("demo.project")));
    StringWriter text = new StringWriter();
    PipedOutputStream keyboard = new PipedOutputStream();
    DemoSettings settings = new DemoSettings(project, out, 0, 0, 0, 0, true, new PipedInputStream(keyboard), null,
        KeyEncryption.forTests(), program -> true);
    try (Demo demo = new Demo(settings, new Console(new PrintWriter(text, true), SHELL))) {
      CompletableFuture<Void> running = CompletableFuture.runAsync(demo::run);
      Eventually.within(A_WHOLE_RUN).until("the demo to wait for Enter",
          () -> text.toString().contains("Press Enter") || running.isDone());
      if (running.isDone()) {
        running.join(); // It ended without waiting: show why.
      }
      outputWhileServing = text.toString();
      listening = demo.listening();
      renewal = demo.renewal();
      listeningWhileServing = FreePort.isListening(listening.port()) && FreePort.isListening(listening.publishPort());
      keyboard.write("\n".getBytes(StandardCharsets.UTF_8));
      keyboard.flush();
      running.get(10, TimeUnit.SECONDS);
    }
    output = text.toString();
  }

  @Test
  void prints_each_identitys_outcome_with_the_clients_and_the_servers_reason() {
    int publishPort = listening.publishPort();
    assertThat(output).contains(
        "IDENTITY  REQUEST                      OUTCOME   WHY",
        "alice     GET /api/reports             200       allowed: the certificate maps to roles=[admin]; the route "
            + "accepts that",
        "alice     POST /api/admin/reload       200       allowed: the certificate maps to roles=[admin]",
        "bob       GET /api/reports             200       allowed: the certificate maps to roles=[reader]",
        "bob       POST /api/admin/reload       403       forbidden: the route needs one of [\"admin\"], "
            + "the certificate maps to [\"reader\"]",
        "carol     GET /api/reports             403       forbidden: the route needs one of [\"admin\",\"reader\"], "
            + "the certificate maps to []",
        "(none)    GET /whoami                  refused   client: The server requires a client certificate and none "
            + "was sent.",
        "server: no certificate; the client sent no certificate and this server requires one",
        "foreign   GET /whoami                  refused   client: The server rejected our client certificate, most "
            + "likely because it does not trust the CA that issued it.",
        "server: not issued by a trusted CA; subject \"CN=alice,OU=admins,O=mtls-reference\", issuer "
            + "\"CN=Foreign Root CA,O=elsewhere\"",
        "expired   GET /whoami                  refused   client: The server rejected our client certificate, most "
            + "likely because the client certificate \"CN=expired,OU=admins,O=mtls-reference\" expired on",
        "server: expired; subject \"CN=expired,OU=admins,O=mtls-reference\"",
        // The server's alert says only certificate_unknown; the client asked its CA's responder itself.
        "revoked   GET /whoami                  refused   client: The server rejected our client certificate, most "
            + "likely because the client certificate \"CN=revoked,OU=admins,O=mtls-reference\" (serial ",
        "(reason keyCompromise), says the OCSP responder http://127.0.0.1:" + publishPort + "/ocsp.\n",
        "server: revoked; subject \"CN=revoked,OU=admins,O=mtls-reference\"",
        "(reason keyCompromise), says the OCSP responder http://127.0.0.1:" + publishPort + "/ocsp");
    assertThat(output).contains("                                                    server: no certificate");
  }

  @Test
  void shows_alices_real_handshake_message_by_message() {
    assertThat(output).contains("One real handshake, message by message (alice, TLSv1.3)",
        "client <--  server  EncryptedExtensions", "client <--  server  CertificateRequest",
        "client  --> server  Certificate [CN=alice, OU=admins, O=mtls-reference <- CN=mtls-reference Issuing CA, "
            + "O=mtls-reference]",
        "```mermaid", "C->>S: CertificateVerify");
  }

  @Test
  void shows_where_the_status_is_published_and_the_ocsp_answer_the_server_stapled() {
    int publishPort = listening.publishPort();
    assertThat(output).contains("OCSP responder:      http://127.0.0.1:" + publishPort + "/ocsp",
        "CRL distribution:    http://127.0.0.1:" + publishPort + "/crl/issuing.crl",
        "The client's verdict on the server's certificate, from that handshake: trusted",
        "CN=localhost,O=mtls-reference: STAPLED_OCSP (the OCSP answer the server stapled says good");
  }

  @Test
  void shows_the_command_that_does_each_step_by_hand() {
    String prompt = "   " + SHELL.prompt();
    String root = SHELL.path(out.resolve("ca/root.pem"));
    String alice = "--cert " + SHELL.path(out.resolve("alice-chain.pem")) + " --key "
        + SHELL.path(out.resolve("alice.key"));
    String server = "https://localhost:" + listening.port();
    assertThat(output).contains(
        prompt + "java -jar " + SHELL.path(project.pkiJar()) + " demo --out " + SHELL.path(out)
            + " --force --publish-url http://127.0.0.1:" + listening.publishPort() + " --lifetime 24h\n",
        prompt + "java -jar " + SHELL.path(project.pkiJar()) + " serve --dir " + SHELL.path(out.resolve("ca"))
            + " --port " + listening.publishPort() + " --password-file " + SHELL.path(out.resolve("password.txt"))
            + " --est-port " + listening.estPort() + " --est-lifetime 24h\n",
        prompt + "java -jar " + SHELL.path(project.serverJar()) + " --host 127.0.0.1 --port " + listening.port()
            + " --management-port " + listening.managementPort() + " --certificate "
            + SHELL.path(out.resolve("server-chain.pem")) + " --key " + SHELL.path(out.resolve("server.key"))
            + " --trust " + root + " --ocsp aia --crl-distribution-points on --ocsp-stapling on --roles "
            + SHELL.path(project.roleRules()) + " --routes " + SHELL.path(project.routeRules())
            + " --renew-from https://localhost:" + listening.estPort() + "\n",
        prompt + "java -jar " + SHELL.path(project.pkiJar()) + " issue client --dir " + SHELL.path(out.resolve("ca"))
            + " --password-file " + SHELL.path(out.resolve("password.txt")) + " --out " + SHELL.path(out)
            + " --name dave --force --subject \"CN=dave,OU=readers,O=mtls-reference\""
            + " --lifetime 30s\n",
        prompt + "java -jar " + SHELL.path(project.clientJar()) + " --trace " + alice + " --cacert " + root + " "
            + server + "/whoami",
        prompt + "curl --cacert " + root + " " + alice + " " + server + "/whoami",
        prompt + "openssl s_client -connect 127.0.0.1:" + listening.port() + " -servername localhost",
        prompt + "java -jar " + SHELL.path(project.pkiJar()) + " revoke --dir " + SHELL.path(out.resolve("ca")));
    assertThat(output).doesNotContain("\\\n");
  }

  @Test
  void issues_the_server_and_the_clients_short_lived() {
    assertThat(output).contains(
        "alice      CN=alice,OU=admins,O=mtls-reference              24h    client with role admin",
        "server     CN=localhost,O=mtls-reference                    24h    the server");
  }

  @Test
  void shows_a_30_second_client_certificate_renewing_itself_and_the_server_seeing_the_new_serial() {
    assertThat(renewal.renewed()).as("a renewal before the 30 s certificate expired").isNotNull();
    RenewalEvent.Renewed renewed = renewal.renewed();
    assertThat(renewal.servedBefore()).as("the server saw the first certificate").isEqualTo(renewal.issued());
    assertThat(renewed.oldSerial()).isEqualTo(renewal.issued());
    assertThat(renewed.newSerial()).isNotEqualTo(renewal.issued());
    assertThat(renewal.servedAfter()).as("the server saw the renewed certificate").isEqualTo(renewed.newSerial());
    // EST issues for pki serve's --est-lifetime (24 h): the next renewal is due at two thirds of that.
    assertThat(Duration.between(renewed.at(), renewed.nextDue())).isBetween(Duration.ofHours(14),
        Duration.ofHours(17));
    assertThat(output).contains("A certificate that renews itself",
        "serial " + renewed.oldSerial().toString(16) + " -> " + renewed.newSerial().toString(16));
  }

  @Test
  void keeps_serving_until_enter_then_stops_everything_it_started() {
    assertThat(outputWhileServing).contains("The server keeps running on https://localhost:" + listening.port(),
        "Press Enter (or Ctrl-C) to stop them.");
    assertThat(listeningWhileServing).as("serving while it waits for Enter").isTrue();
    assertThat(FreePort.isListening(listening.port())).as("the server stopped").isFalse();
    assertThat(FreePort.isListening(listening.managementPort())).as("its management port").isFalse();
    assertThat(FreePort.isListening(listening.publishPort())).as("the publisher").isFalse();
    assertThat(FreePort.isListening(listening.estPort())).as("the CA's EST listener").isFalse();
  }
}
