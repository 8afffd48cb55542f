package dev.mtls.pki.material.renewal;

/** Why one renewal attempt did not put a new certificate in place; a bounded set, fit for a metric label. */
public enum RenewalFailure {
  /** The CA could not be reached, did not answer in time, or answered with a server error: retried with back-off. */
  UNAVAILABLE,
  /** The CA answered and refused (a 4xx: e.g. the current certificate is revoked or its name not allowed). */
  REFUSED,
  /** The CA's answer does not fit the request: not for the new key, another name, not signed by our CA. */
  BAD_ANSWER,
  /** The current files cannot be used to ask: unreadable, mismatched, or the certificate already expired. */
  CURRENT_UNUSABLE,
  /** The new key and chain could not be written next to the current ones; the current pair was left as it was. */
  WRITE_FAILED
}
