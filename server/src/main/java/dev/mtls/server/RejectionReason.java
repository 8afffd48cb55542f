package dev.mtls.server;

/** Why a client was refused, in the plain words that appear in the log. */
public enum RejectionReason {
  NO_CERTIFICATE("no certificate"),
  UNTRUSTED_ISSUER("not issued by a trusted CA"),
  EXPIRED("expired"),
  NOT_YET_VALID("not yet valid"),
  REVOKED("revoked"),
  REVOCATION_UNKNOWN("revocation status unknown"),
  WRONG_KEY_USAGE("wrong key usage"),
  WEAK_ALGORITHM("weak algorithm"),
  INVALID_CERTIFICATE("invalid certificate"),
  NO_COMMON_PROTOCOL("no common TLS protocol or cipher suite"),
  HANDSHAKE_FAILED("handshake failed");

  private final String words;

  RejectionReason(String words) {
    this.words = words;
  }

  /** The reason as the log line says it, e.g. "not issued by a trusted CA". */
  public String words() {
    return words;
  }

  @Override
  public String toString() {
    return words;
  }
}
