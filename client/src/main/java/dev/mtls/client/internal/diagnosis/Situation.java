package dev.mtls.client.internal.diagnosis;

import dev.mtls.client.PreflightCheck;
import dev.mtls.client.internal.tls.Handshake;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What the explainer knows besides the exception.
 *
 * @param host          the server's host name; null when no request was made
 * @param port          the server's port
 * @param handshake     what the request's handshake observed; null when it reused a connection or made none
 * @param identityChain our certificate chain; empty without an identity
 * @param trustAnchors  the anchors we judge servers by; empty with a caller's own SSLContext
 * @param protocols     the TLS versions we offered
 * @param preflight     the pre-flight report on our chain; null without an identity
 */
public record Situation(String host, int port, Handshake handshake, List<X509Certificate> identityChain,
    List<X509Certificate> trustAnchors, List<String> protocols, PreflightCheck.Report preflight) {

  /** Nothing but the exception: a failure before any request, such as loading key material. */
  public static Situation none() {
    return new Situation(null, -1, null, List.of(), List.of(), List.of(), null);
  }

  String where() {
    return host == null ? "the server" : host + ":" + port;
  }
}
