package dev.mtls.client.internal.tls;

import dev.mtls.pki.material.trust.CertificateRejectedException;
import javax.net.ssl.SSLHandshakeException;

/**
 * A TLS session offered for resumption that our trust no longer accepts (its server certificate expired or was
 * revoked since, or trust changed), refused before any request was sent. The session is invalidated: a new
 * connection makes a full handshake, whose verdict on the server's current certificate is the one that counts.
 * A server that renews its short-lived certificate leaves such sessions behind in every client.
 */
public final class StaleSessionException extends SSLHandshakeException {
  private static final long serialVersionUID = 1L;

  public StaleSessionException(CertificateRejectedException refusal) {
    super("resumed TLS session refused: " + refusal.verdict().sentence());
    initCause(refusal);
  }
}
