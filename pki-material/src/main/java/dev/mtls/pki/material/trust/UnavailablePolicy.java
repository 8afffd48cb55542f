package dev.mtls.pki.material.trust;

/**
 * What to do when an OCSP responder or CRL distribution point applies to a certificate but gives no usable answer
 * in time (unreachable, slow, an error, an answer that does not verify).
 */
public enum UnavailablePolicy {
  /** Refuse the certificate: its status is unknown. The default. */
  HARD_FAIL,
  /**
   * Accept it, say so once per issuer, and note it in the verdict, which then holds only until the source is asked
   * again. A peer that can block the responder can then use a revoked certificate: choose this deliberately.
   */
  SOFT_FAIL
}
