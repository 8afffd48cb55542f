/**
 * How {@code OnlineRevocation} asks: bounded HTTP exchanges, OCSP requests and CRL downloads, answers kept while
 * they hold, failed sources backed off. Not API: it may change at any time.
 */
package dev.mtls.pki.material.internal.revocation;
