package dev.mtls.client;

import dev.mtls.pki.material.trust.Reason;
import java.util.Objects;

/**
 * A failure in plain words: what most likely happened (one sentence), what to do about it, and the
 * technical cause for whoever needs to dig further.
 *
 * @param kind      the class of failure
 * @param reason    when a certificate is the problem: the trust core's reason (the same word the server's log and
 *                  {@code pki verify} use), else null
 * @param sentence  what most likely happened, one sentence ending with a period
 * @param hint      what to check or change
 * @param technical the underlying exception chain, one cause per line
 */
public record Diagnosis(Kind kind, Reason reason, String sentence, String hint, String technical) {

  /** The classes of failure the explainer tells apart. */
  public enum Kind {
    /** The server asked for (and requires) a client certificate, and we sent none. */
    NO_CLIENT_CERTIFICATE,
    /** We sent our certificate and the server refused it; the alert, if any, says why. */
    CLIENT_CERTIFICATE_REJECTED,
    /** The server's chain does not end at one of our trust anchors. */
    SERVER_NOT_TRUSTED,
    /** The server's certificate is trusted but does not name the host we connected to. */
    HOSTNAME_MISMATCH,
    /** A keystore or private-key password is wrong. */
    WRONG_PASSWORD,
    /** The private key does not belong to the certificate. */
    KEY_MISMATCH,
    /** Other problems reading our key or trust material. */
    KEY_MATERIAL,
    /** Our own certificate has expired (found before connecting). */
    OWN_CERTIFICATE_EXPIRED,
    /** Our own certificate is not valid yet (found before connecting). */
    OWN_CERTIFICATE_NOT_YET_VALID,
    /** Our own certificate lacks the clientAuth extended key usage (found before connecting). */
    OWN_CERTIFICATE_NOT_FOR_CLIENTS,
    /**
     * Our own certificate would be refused for another reason the trust core found before connecting: revoked, a weak
     * algorithm, a CA constraint (pathLen, name constraints), an unknown critical extension.
     */
    OWN_CERTIFICATE_REFUSED,
    /** Nothing listens on the port. */
    CONNECTION_REFUSED,
    /** The host name does not resolve. */
    UNKNOWN_HOST,
    /** Connect, handshake or response took longer than allowed. */
    TIMEOUT,
    /** No TLS version or cipher suite is acceptable to both sides. */
    NO_COMMON_PROTOCOL,
    /** The server closed the connection and nothing points to a certificate problem. */
    CONNECTION_CLOSED,
    /** None of the above. */
    OTHER;

    /** Whether this is a TLS or authentication failure (as opposed to network or local material). */
    public boolean isTls() {
      return switch (this) {
        case NO_CLIENT_CERTIFICATE, CLIENT_CERTIFICATE_REJECTED, SERVER_NOT_TRUSTED, HOSTNAME_MISMATCH,
            NO_COMMON_PROTOCOL -> true;
        default -> false;
      };
    }

    /** Whether the problem is in our own key material and was found without contacting the server. */
    public boolean isLocal() {
      return switch (this) {
        case WRONG_PASSWORD, KEY_MISMATCH, KEY_MATERIAL, OWN_CERTIFICATE_EXPIRED, OWN_CERTIFICATE_NOT_YET_VALID,
            OWN_CERTIFICATE_NOT_FOR_CLIENTS, OWN_CERTIFICATE_REFUSED -> true;
        default -> false;
      };
    }
  }

  /** A diagnosis of a failure that is not about a certificate's trust. */
  public Diagnosis(Kind kind, String sentence, String hint, String technical) {
    this(kind, null, sentence, hint, technical);
  }

  public Diagnosis {
    Objects.requireNonNull(kind, "kind == null");
    Objects.requireNonNull(sentence, "sentence == null");
    Objects.requireNonNull(hint, "hint == null");
    Objects.requireNonNull(technical, "technical == null");
  }

  /** Sentence, hint and cause on separate lines, for a terminal or a log. */
  public String render() {
    return sentence + "\nHint: " + hint + "\nCause: " + technical.replace("\n", "\n       ");
  }
}
