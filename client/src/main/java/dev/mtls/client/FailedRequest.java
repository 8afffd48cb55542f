package dev.mtls.client;

import java.net.URI;
import java.time.Duration;

/**
 * A request that got no response: refused in the handshake (by us or by the server), or failed on the network.
 *
 * @param method    the HTTP method
 * @param uri       the request's URI
 * @param diagnosis what went wrong and what to do, as {@link MtlsException#getDiagnosis()} gives it
 * @param duration  until the failure
 */
public record FailedRequest(String method, URI uri, Diagnosis diagnosis, Duration duration) {}
