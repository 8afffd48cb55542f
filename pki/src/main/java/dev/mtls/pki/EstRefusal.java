package dev.mtls.pki;

/**
 * Why the CA's EST service refused a request: the typed reason its HTTP answer names (the body's first word) and
 * its {@link EstEvent} carries. Each has the HTTP status the answer has and a hint for the person who asked.
 */
public enum EstRefusal {
  /** Neither an enrolment token (simpleenroll) nor a client certificate (simplereenroll) came with the request. */
  NO_CREDENTIALS(401, "simpleenroll takes an enrolment token as HTTP Basic credentials (pki token); simplereenroll"
      + " takes the current certificate as the TLS client certificate"),
  /** No token has this id, or the secret is not its secret. */
  UNKNOWN_TOKEN(401, "ask the CA operator for a token (pki token) and send its id and secret as given"),
  /** The token's validity (pki token --valid-for) has passed. */
  EXPIRED_TOKEN(401, "ask the CA operator for a new token"),
  /** The token was already used once: a token enrols one certificate. */
  USED_TOKEN(401, "a token enrols once; renew with simplereenroll, or ask the CA operator for a new token"),
  /** The certificate presented does not lead to this CA, or the trust core refused it (the message says why). */
  CERTIFICATE_NOT_TRUSTED(401, "re-enrol with a certificate this CA issued; enrol anew with a token otherwise"),
  /** The certificate presented has expired (or is not valid yet). */
  CERTIFICATE_EXPIRED(401, "an expired certificate cannot renew itself: enrol anew with a token (pki token)"),
  /** This CA's index lists the certificate presented as revoked. */
  CERTIFICATE_REVOKED(401, "a revoked certificate cannot renew itself: enrol anew with a token (pki token)"),
  /** The request's subject or subject alternative names are not exactly the token's or the current certificate's. */
  NAME_MISMATCH(403, "ask for exactly the subject and names of the token or the current certificate"),
  /** The request's key is the current certificate's: re-enrolment takes a new key. */
  SAME_KEY(400, "make a new key for each renewal"),
  /** The request's key was revoked for keyCompromise: it is never certified again. */
  KEY_COMPROMISED(403, "make a new key"),
  /** The request's signature does not verify: no proof that the requester holds the key. */
  NO_PROOF_OF_POSSESSION(400, "sign the request with the private key of the public key it carries"),
  /** The request's key is of a kind or size the CA does not certify. */
  WEAK_KEY(400, "use EC P-256/P-384/P-521, RSA of 2048 bits or more, or Ed25519"),
  /** The CA's name policy or profile rules refuse the names asked for. */
  NAME_POLICY(403, "ask for names the CA's policy allows"),
  /** The body is not a base64 PKCS#10 request of an acceptable size. */
  MALFORMED_REQUEST(400, "send one base64-encoded DER PKCS#10 request as application/pkcs10"),
  /** The CA cannot issue now: its directory is locked by another command, or it may not issue at all. */
  CA_UNAVAILABLE(503, "try again later; if it persists, the CA operator should look at the message");

  private final int httpStatus;
  private final String hint;

  EstRefusal(int httpStatus, String hint) {
    this.httpStatus = httpStatus;
    this.hint = hint;
  }

  /** The HTTP status of the answer: 401 (not authenticated), 403 (not allowed), 400 (bad request) or 503. */
  public int httpStatus() {
    return httpStatus;
  }

  /** What the person who asked can do. */
  public String hint() {
    return hint;
  }
}
