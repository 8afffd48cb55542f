/**
 * Internal: failures explained as a {@link dev.mtls.client.Diagnosis}, from the exception and what the handshake
 * record saw, and the pre-flight check of our own certificate before a request is sent. Uses the API's value types
 * and {@link dev.mtls.client.internal.tls}.
 */
package dev.mtls.client.internal.diagnosis;
