package dev.mtls.pki.material.trust;

/**
 * What to do when CRLs are configured but a CA in a validated path has none (no CRL signed by its key). With no
 * CRL configured at all, revocation is not checked and this setting does not apply.
 */
public enum MissingCrlPolicy {
  /** Refuse the chain: its revocation cannot be checked. The default. */
  REFUSE,
  /** Accept the chain, say so once per issuer, and note it in the verdict. */
  ACCEPT
}
