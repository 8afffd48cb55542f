package dev.mtls.client.cli;

import dev.mtls.client.HttpVersion;
import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsResponse;
import dev.mtls.client.TlsInfo;
import dev.mtls.client.trace.HandshakeTrace;
import dev.mtls.client.trace.HandshakeTracer;
import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.SafeText;
import java.io.IOException;
import java.io.PrintWriter;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.apache.hc.core5.http.ClassicHttpRequest;
import picocli.CommandLine.Option;

/** What we show on stderr besides failures: the TLS details of the response (-v) and the handshake itself (--trace). */
final class OutputOptions {
  @Option(names = {"-v", "--verbose"},
      description = "Show the TLS details of the response on stderr: protocol, cipher, server chain, whether the "
          + "server asked for our certificate and which CAs it accepts, whether we sent one. A refused handshake "
          + "has no response; its error and hint say what the client learned.")
  boolean verbose;

  @Option(names = "--trace",
      description = "Show this connection's real TLS handshake on stderr, message by message in both directions "
          + "(with the certificates' subjects), as text and as a Mermaid sequence diagram.")
  boolean trace;

  /**
   * Sends {@code request}; with --trace, prints the handshake it made, whether or not it failed. Over HTTP/2
   * ({@code async}) the handshake runs on the client's I/O threads.
   */
  MtlsResponse send(MtlsClient client, ClassicHttpRequest request, boolean async, PrintWriter err)
      throws IOException {
    if (!trace) {
      return client.execute(request);
    }
    HandshakeTracer.enable();
    HandshakeTracer.Captured<MtlsResponse> captured = async ? HandshakeTracer.captureAsync(() -> client.execute(request))
        : HandshakeTracer.capture(() -> client.execute(request));
    HandshakeTrace handshake = captured.trace();
    err.println("* TLS handshake, as this connection performed it:");
    err.print(handshake.toText().indent(2));
    err.println("* The same as a Mermaid sequence diagram:");
    err.println("```mermaid");
    err.print(handshake.toMermaid());
    err.println("```");
    err.flush();
    if (captured.failure() instanceof IOException e) {
      throw e;
    }
    if (captured.failure() != null) {
      throw new IllegalStateException(captured.failure());
    }
    return captured.result();
  }

  /** With -v: how the connection was secured, then the response's status and headers. */
  void describe(MtlsResponse response, Identity ours, PrintWriter err) {
    if (!verbose) {
      return;
    }
    printTls(response.tls(), ours == null ? null : ours.certificate(), err);
    err.println("* " + (response.version() == HttpVersion.HTTP_2 ? "HTTP/2" : "HTTP/1.1"));
    err.println("< HTTP " + response.status());
    for (Map.Entry<String, String> header : response.headers()) {
      // The server chose these bytes: escaped, they cannot move the cursor or forge a line.
      err.println("< " + SafeText.escape(header.getKey()) + ": " + SafeText.escape(header.getValue()));
    }
  }

  private static void printTls(TlsInfo tls, X509Certificate ours, PrintWriter err) {
    err.println("* " + tls.protocol() + " with " + tls.cipherSuite()
        + (tls.newConnection() ? " (new connection)" : " (reused connection)"));
    List<X509Certificate> chain = tls.serverChain();
    if (!chain.isEmpty()) {
      err.println("* Server certificate chain:");
      for (int i = 0; i < chain.size(); i++) {
        X509Certificate certificate = chain.get(i);
        err.println("*   " + i + " subject: " + display(certificate.getSubjectX500Principal()));
        err.println("*     issuer: " + display(certificate.getIssuerX500Principal()) + ", valid until "
            + certificate.getNotAfter().toInstant());
      }
    }
    if (!tls.certificateRequested()) {
      err.println("* The server did not ask for a client certificate.");
      return;
    }
    List<String> issuers = new ArrayList<>();
    for (Principal issuer : tls.acceptedIssuers()) {
      issuers.add(issuer instanceof X500Principal x500 ? display(x500) : SafeText.escape(issuer.getName()));
    }
    err.println("* The server asked for a client certificate; it accepts CAs: "
        + (issuers.isEmpty() ? "any" : String.join("; ", issuers)) + "; key types: " + tls.acceptedKeyTypes());
    if (tls.certificateSent() && ours != null) {
      err.println("* We sent our certificate " + display(ours.getSubjectX500Principal()) + ", issued by "
          + display(ours.getIssuerX500Principal()) + ", valid until " + ours.getNotAfter().toInstant());
    } else {
      err.println("* We sent no certificate.");
    }
  }

  private static String display(X500Principal principal) {
    return DistinguishedName.of(principal).toDisplayString();
  }
}
