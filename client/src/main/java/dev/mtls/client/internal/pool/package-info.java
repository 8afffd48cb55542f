/**
 * Internal: HttpClient5's pool and classic client, put together for one identity, with when a connection may be
 * kept (its material generation and its verdict on the server still hold) and when a request may be retried.
 * Builds on {@link dev.mtls.client.internal.tls}; knows nothing of the client's API.
 */
package dev.mtls.client.internal.pool;
