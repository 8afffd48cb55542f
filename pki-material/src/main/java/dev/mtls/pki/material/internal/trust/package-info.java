/**
 * The steps of {@link dev.mtls.pki.material.trust.Trust#verify}, one class each: the proposed path, PKIX with the
 * algorithm policy and the purpose inside it, the CRL files, the online revocation walk, the acceptance, and the
 * sentences that name what they find. Not API: only the trust package uses it, and it may change at any time.
 */
package dev.mtls.pki.material.internal.trust;
