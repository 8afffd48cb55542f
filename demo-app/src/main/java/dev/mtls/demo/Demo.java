package dev.mtls.demo;

import dev.mtls.client.trace.HandshakeTracer;
import dev.mtls.pki.DemoPki;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The demo, step by step: the PKI (short-lived: {@link #LIFETIME}), its publisher (with EST), the server, the calls
 * and their table, one handshake, where the status is published, a certificate renewing itself, and what to try by
 * hand. Each step shows the command that does it by hand. Everything it
 * starts is closed by {@link #close()}, which the command also calls on Ctrl-C.
 */
final class Demo implements AutoCloseable {
  /** How long the server's and the valid clients' certificates are valid: they renew themselves over EST. */
  static final Duration LIFETIME = Duration.ofHours(24);

  /** Where the demo listened, once it did. */
  record Listening(int port, int managementPort, int publishPort, int estPort) {}

  private final DemoSettings settings;
  private final Console console;
  private final Running running = new Running();
  private volatile Listening listening;
  private volatile RenewalStep.Result renewal;

  Demo(DemoSettings settings, Console console) {
    this.settings = settings;
    this.console = console;
  }

  /** Runs it; a {@link DemoException} is a one-line failure (a port in use). Leaves everything running. */
  void run() {
    // JSSE reads its debug setting when TLS is first used: the trace of step 5 needs it on before.
    try {
      HandshakeTracer.enable();
    } catch (IllegalStateException e) {
      throw new DemoException(e.getMessage(), e);
    }
    Ports.requireFree(settings.port(), settings.managementPort(), settings.publishPort(), settings.estPort());
    Project project = settings.project();
    project.requireExamples();
    int publishPort = Ports.orFree(settings.publishPort());
    String publishUrl = "http://127.0.0.1:" + publishPort;

    console.step("1. A demo PKI: root CA, issuing CA, server and client certificates naming " + publishUrl
        + " for their status");
    console.command(Command.java(project.pkiJar()).add("demo", "--out").add(settings.out())
        .add("--force", "--publish-url", publishUrl, "--lifetime", LIFETIME.toHours() + "h"));
    DemoPki pki = DemoPki.builder(settings.out()).replaceExisting(true).publishUrl(publishUrl)
        .lifetime(LIFETIME).keyEncryption(settings.keyEncryption()).create();
    console.line(pki.table());
    console.line("each NAME has NAME.key, NAME.pem, NAME-chain.pem (leaf + intermediate) and NAME.p12");
    console.line("Short-lived (VALID 24h): the server renews its certificate from the CA by itself (step 3), as a "
        + "client can (step 7).");

    console.step("2. The CA publishes revocation status (OCSP responder and CRLs over HTTP, no file copied to "
        + "servers) and renews certificates (EST over HTTPS)");
    Publication publication = running.add(Publication.start(pki, publishPort, settings.estPort(),
        settings.keyEncryption()));
    console.command(publication.command(project, pki));
    console.line("OCSP " + publication.ocsp() + ", CRLs " + publication.crl("issuing.crl") + " and "
        + publication.crl("root.crl") + "; EST " + publication.est() + "/.well-known/est/");

    console.step("3. The server: requires a client certificate, checks revocation online, maps OU to roles, "
        + "authorizes routes, renews its own certificate");
    ServerEvents events = new ServerEvents();
    DemoServer server = running.add(DemoServer.start(project, pki, publication.est(), settings.port(),
        settings.managementPort(), events));
    listening = new Listening(server.port(), server.managementPort(), publication.port(), publication.estPort());
    console.command(server.command(project));
    console.line("listening on " + server.url("") + " (health: http://127.0.0.1:" + server.managementPort()
        + "/health)" + (settings.log() == null ? "" : "; log: " + console.path(settings.log())));

    console.step("4. Calling it as each demo identity");
    List<Table.Row> rows = new Calls(pki, server, events).run(Call.DEMO);
    console.line(Table.render(rows));

    HandshakeStep handshake = HandshakeStep.alice(pki, server);
    console.step("5. One real handshake, message by message (alice, " + handshake.protocol() + "), from this "
        + "connection");
    console.command(DemoClients.command(project, pki, "alice", "--trace").add(server.url("/whoami").toString()));
    handshake.printTrace(console);

    console.step("6. Where the status is published, and the server's own status stapled to its handshake");
    HandshakeStep.printPublished(console, project, pki);
    handshake.printStapled(console);

    console.step("7. A certificate that renews itself: a client whose certificate lives "
        + RenewalStep.LIFETIME.toSeconds() + " s");
    renewal = new RenewalStep(project, pki, publication, server, events).run(console, settings.keyEncryption());

    console.step("8. Try it by hand (the password of every .p12 is in " + console.path(pki.passwordFile()) + ")");
    if (!project.jarsBuilt()) {
      console.line("The java -jar commands need the jars of pki-cli, server-app and client-cli; build them once: "
          + console.shell().mavenWrapper() + " -q -B package -DskipTests");
    }
    new TryByHand(project, pki, server.url(""), publication.ocsp(), publication.crl("issuing.crl"))
        .print(console, settings.installed());
    if (settings.keepRunning()) {
      keepServing(project, pki, server, publication);
    } else {
      console.blank();
      console.line("The server and the publisher stop now. Run the demo with --keep-running to try these while they "
          + "serve, or start them by hand with the commands of steps 2 and 3.");
    }
  }

  private void keepServing(Project project, DemoPki pki, DemoServer server, Publication publication) {
    console.step("The server keeps running on " + server.url("") + ", the publisher on http://127.0.0.1:"
        + publication.port());
    console.line("Revoke bob while they run, then call as bob again: the server refuses him within 5 minutes "
        + "(revocation-max-age).");
    console.command(Command.java(project.pkiJar()).add("revoke", "--dir").add(pki.caDirectory())
        .add("--password-file", pki.passwordFile()).add("--serial", pki.member("bob").certificate()
            .getSerialNumber().toString(16)).add("--reason", "keyCompromise"));
    console.line("Press Enter (or Ctrl-C) to stop them.");
    awaitEnter(settings.stdin());
  }

  /** Returns at the end of a line; at the end of the input (none to read), waits for Ctrl-C. */
  private static void awaitEnter(InputStream stdin) {
    try {
      int read;
      do {
        read = stdin.read();
      } while (read != -1 && read != '\n');
      if (read == -1) {
        new CountDownLatch(1).await();
      }
    } catch (IOException e) {
      // No input to wait on: stop as if Enter was pressed.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What the renewal step saw; null before it ran. */
  RenewalStep.Result renewal() {
    return renewal;
  }

  /** Where it listened; null before the server started. */
  Listening listening() {
    return listening;
  }

  /** Stops the server and the publisher; their ports are free when it returns. */
  @Override
  public void close() {
    running.close();
  }
}
