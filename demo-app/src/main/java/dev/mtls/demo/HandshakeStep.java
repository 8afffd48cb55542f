package dev.mtls.demo;

import dev.mtls.client.ClientHandshake;
import dev.mtls.client.ClientListener;
import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsResponse;
import dev.mtls.client.trace.HandshakeTrace;
import dev.mtls.client.trace.HandshakeTracer;
import dev.mtls.pki.DemoPki;
import dev.mtls.pki.Inspector;
import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.trust.StatusCheck;
import dev.mtls.pki.material.trust.Verdict;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One real handshake as alice, seen from the client: its messages as JSSE reported them, and the client's verdict on
 * the server's certificate, which says how its revocation status was established (the OCSP answer the server stapled).
 */
final class HandshakeStep {
  private final HandshakeTrace trace;
  private final ClientHandshake handshake;
  private final Exception failure;

  private HandshakeStep(HandshakeTrace trace, ClientHandshake handshake, Exception failure) {
    this.trace = trace;
    this.handshake = handshake;
    this.failure = failure;
  }

  /** Calls {@code GET /whoami} as alice on a new connection, recording its handshake. */
  static HandshakeStep alice(DemoPki pki, DemoServer server) {
    List<ClientHandshake> handshakes = new CopyOnWriteArrayList<>();
    ClientListener listener = ClientListener.forwardingTo(event -> {
      if (event instanceof ClientHandshake completed) {
        handshakes.add(completed);
      }
    });
    try (MtlsClient client = DemoClients.client(pki, "alice", false).listener(listener).build()) {
      HandshakeTracer.Captured<MtlsResponse> captured = HandshakeTracer.capture(() ->
          client.get(server.url("/whoami")));
      return new HandshakeStep(captured.trace(), handshakes.isEmpty() ? null : handshakes.get(0),
          captured.failure());
    }
  }

  /** The TLS version the handshake agreed on, e.g. TLSv1.3. */
  String protocol() {
    return handshake == null ? "no TLS version agreed" : handshake.protocol();
  }

  /** The messages, one line each, then as a Mermaid sequence diagram. */
  void printTrace(Console console) {
    console.line("Messages in the order the client sent or read them:");
    console.line(trace.toText().indent(2));
    console.line("The same as a Mermaid sequence diagram (Markdown viewers draw it):");
    console.line("```mermaid\n" + trace.toMermaid() + "```");
    if (failure != null) {
      console.line("The call failed: " + failure.getMessage());
    }
  }

  /** The lines of {@code pki inspect} that say where a certificate's status is published. */
  static void printPublished(Console console, Project project, DemoPki pki) {
    console.command(Command.java(project.pkiJar()).add("inspect").add(pki.credentials("alice").certificate()));
    X509Certificate alice = Pem.loadCertificates(pki.credentials("alice").certificate()).get(0);
    Inspector.describe(alice, Instant.now()).lines().filter(line -> line.contains("OCSP") || line.contains("CRL"))
        .forEach(line -> console.line("  " + line.strip()));
  }

  /** How the client established the revocation status of each certificate of the server's path. */
  void printStapled(Console console) {
    Verdict verdict = handshake == null ? null : handshake.serverVerdict();
    if (verdict == null || !verdict.isTrusted()) {
      console.line("The handshake gave no verdict on the server's certificate to show.");
      return;
    }
    console.line("The client's verdict on the server's certificate, from that handshake: " + verdict.reason());
    for (StatusCheck check : verdict.revocation()) {
      X509Certificate certificate = verdict.path().get(check.index());
      console.line("  " + DistinguishedName.of(certificate.getSubjectX500Principal()).toDisplayString() + ": "
          + check.source() + describe(check));
    }
    if (verdict.revocation().stream().noneMatch(check -> check.source() == StatusCheck.Source.STAPLED_OCSP)) {
      console.line("The server stapled no OCSP answer to this handshake.");
    }
  }

  private static String describe(StatusCheck check) {
    return switch (check.source()) {
      case STAPLED_OCSP -> " (the OCSP answer the server stapled says good; it holds until " + check.until() + ")";
      case NOT_CHECKED -> " (no staple covers it, and this client asks no responder or distribution point itself)";
      default -> " (" + check.location() + check.holdsUntil().map(until -> ", until " + until).orElse("") + ")";
    };
  }
}
