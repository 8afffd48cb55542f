package dev.mtls.server;

/** Whether the TLS handshake itself demands a client certificate. */
public enum ClientAuthMode {
  /** The handshake fails without an acceptable client certificate. The default. */
  REQUIRED,
  /**
   * The handshake asks for a certificate but completes without one; the server then answers 401 with an
   * explanation (friendlier for browsers and learners). A certificate that is offered must still be acceptable.
   */
  REQUESTED
}
