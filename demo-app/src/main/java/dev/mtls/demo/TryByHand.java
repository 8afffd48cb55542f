package dev.mtls.demo;

import dev.mtls.pki.CredentialFiles;
import dev.mtls.pki.DemoPki;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What to try by hand against the running server and publisher: each a sentence and its commands, shown only when
 * the programs they run (curl, openssl) are on the PATH; the others are named, to install.
 */
final class TryByHand {
  /** A thing to try: what it shows, and the commands that show it. */
  record Entry(String what, List<Command> commands) {}

  private final Project project;
  private final DemoPki pki;
  private final URI server;
  private final URI ocsp;
  private final URI issuingCrl;

  /** For the server at {@code server} ({@code https://localhost:PORT}) and the publisher's two URLs. */
  TryByHand(Project project, DemoPki pki, URI server, URI ocsp, URI issuingCrl) {
    this.project = project;
    this.pki = pki;
    this.server = server;
    this.ocsp = ocsp;
    this.issuingCrl = issuingCrl;
  }

  List<Entry> entries() {
    CredentialFiles alice = pki.credentials("alice");
    CredentialFiles bob = pki.credentials("bob");
    Path root = pki.rootCertificate();
    Path crl = pki.directory().resolve("issuing.crl");
    return List.of(
        entry("As alice, with curl:",
            Command.of("curl", "--cacert").add(root).add("--cert", alice.chain()).add("--key", alice.key())
                .add(url("/whoami"))),
        entry("With no certificate (refused):",
            Command.of("curl", "--cacert").add(root).add(url("/whoami"))),
        entry("As bob, with openssl (it then waits for input; Ctrl-C ends it):",
            Command.of("openssl", "s_client", "-connect", "127.0.0.1:" + server.getPort(), "-servername", "localhost")
                .add("-CAfile", root).add("-cert", bob.certificate()).add("-key", bob.key())
                .add("-cert_chain", pki.intermediateCertificate()).add("-brief")),
        entry("As bob, from his PKCS#12 file, with the TLS details (-v); the admin route answers a reader 403:",
            Command.java(project.clientJar()).add("-v", "--p12").add(bob.pkcs12())
                .add("--password-file", pki.passwordFile()).add("--cacert", root)
                .add("POST", url("/api/admin/reload"))),
        entry("The foreign certificate over TLS 1.2, message by message:",
            DemoClients.command(project, pki, "foreign", "--trace", "--tls-version", "1.2").add(url("/whoami"))),
        entry("A certificate, field by field:",
            Command.java(project.pkiJar()).add("inspect").add(alice.certificate())),
        entry("Ask the OCSP responder about the revoked client:",
            Command.of("openssl", "ocsp", "-issuer").add(pki.intermediateCertificate())
                .add("-cert", pki.credentials("revoked").certificate()).add("-url", ocsp.toString())
                .add("-CAfile", pki.caChain())),
        entry("Fetch the issuing CA's CRL, then read it:",
            Command.of("curl", "-s", "-o").add(crl).add(issuingCrl.toString()),
            Command.of("openssl", "crl", "-inform", "DER", "-in").add(crl).add("-noout", "-text")),
        entry("Refuse a server that staples no OCSP answer (must-staple):",
            DemoClients.command(project, pki, "alice", "--require-stapled-ocsp").add(url("/whoami"))));
  }

  private static Entry entry(String what, Command... commands) {
    return new Entry(what, List.of(commands));
  }

  /** Prints the entries whose programs are {@code installed}, then names the programs missing. */
  void print(Console console, Predicate<String> installed) {
    Set<String> missing = new LinkedHashSet<>();
    for (Entry entry : entries()) {
      List<String> absent = new ArrayList<>();
      // java is there: it runs this demo.
      entry.commands().stream().map(Command::program).filter(program -> !program.equals("java"))
          .filter(installed.negate()).forEach(absent::add);
      if (!absent.isEmpty()) {
        missing.addAll(absent);
        continue;
      }
      console.line(entry.what());
      entry.commands().forEach(console::command);
    }
    if (!missing.isEmpty()) {
      console.line("(" + String.join(" and ", missing) + (missing.size() == 1 ? " is" : " are")
          + " not on the PATH: install " + (missing.size() == 1 ? "it" : "them") + " to try more)");
    }
  }

  private String url(String path) {
    return server + path;
  }
}
