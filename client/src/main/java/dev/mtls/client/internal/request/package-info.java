/**
 * Internal: one request's way through the client, from the pre-flight gate through the pool to a read response or
 * a diagnosed failure, with the listeners told. Uses the API's value types and the other internal packages; none of
 * them uses it.
 */
package dev.mtls.client.internal.request;
