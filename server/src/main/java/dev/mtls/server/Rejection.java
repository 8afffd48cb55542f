package dev.mtls.server;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.trust.Verdict;
import java.time.Instant;
import java.util.Objects;

/**
 * A client the server refused, and why, as a typed event: in the handshake, or on a connection it had accepted
 * earlier whose validation no longer holds (the certificate expired, was revoked, a CRL went stale, the trust
 * changed and no longer covers it).
 *
 * @param peer    the client's address, {@code host:port}
 * @param verdict why, in the trust core's vocabulary
 * @param stage   when
 * @param resumed whether the connection had resumed an earlier TLS session
 * @param at      when it happened
 */
public record Rejection(String peer, Verdict verdict, Stage stage, boolean resumed, Instant at) {
  /** When the refusal happened. */
  public enum Stage {
    /** In the TLS handshake: the connection never carried a request. */
    HANDSHAKE,
    /** At a request on an open (or resumed) connection: answered 401, then closed. */
    OPEN_CONNECTION,
    /**
     * At a request carrying a forwarded client certificate ({@code Client-Cert}): from a client that is not a
     * trusted proxy (400), unreadable (400), or refused by the trust core (401). The peer is the connection's.
     */
    FORWARDED
  }

  public Rejection {
    Objects.requireNonNull(peer, "peer == null");
    Objects.requireNonNull(verdict, "verdict == null");
    Objects.requireNonNull(stage, "stage == null");
    Objects.requireNonNull(at, "at == null");
  }

  /**
   * Why, in the words of the server's rejection log line: the reason, the certificate's subject and issuer when one
   * was sent, the verdict's sentence, and the stage when it was not the handshake. For example {@code expired;
   * subject "CN=bob,O=Demo", issuer "CN=Demo CA"; the client certificate "CN=bob,O=Demo" expired on ...}. Escaped.
   */
  public String describe() {
    StringBuilder line = new StringBuilder(verdict.reason().words());
    verdict.leaf().ifPresent(leaf -> line.append("; subject \"")
        .append(DistinguishedName.of(leaf.getSubjectX500Principal()).toDisplayString())
        .append("\", issuer \"").append(DistinguishedName.of(leaf.getIssuerX500Principal()).toDisplayString())
        .append('"'));
    line.append("; ").append(verdict.sentence());
    if (stage == Stage.OPEN_CONNECTION) {
      line.append(resumed ? "; on a resumed TLS session, answered 401 and closed"
          : "; on an open connection, answered 401 and closed");
    } else if (stage == Stage.FORWARDED) {
      line.append("; a forwarded client certificate (Client-Cert), refused at the request");
    }
    return line.toString();
  }
}
