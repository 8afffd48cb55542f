/**
 * Internal: the client's TLS side. Our material in generations (reloaded from files, a new SSLContext for each
 * change), the one HttpClient5 socket strategy that handshakes with the generation in service, and the record of
 * what each handshake saw. Knows nothing of the client's API; {@link dev.mtls.client.internal.tls.ClientTls} is
 * the way in.
 */
package dev.mtls.client.internal.tls;
