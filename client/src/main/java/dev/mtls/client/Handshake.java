package dev.mtls.client;

import dev.mtls.pki.material.trust.Verdict;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What we observed during one TLS handshake: whether the server asked for our certificate (and which CAs and key
 * types it accepts), whether we sent one, the chain the server presented and the trust core's verdict on it.
 * Filled in on the handshaking thread; read after the handshake or its failure.
 */
final class Handshake {
  final String host;
  final int port;
  volatile boolean certificateRequested;
  volatile List<String> acceptedKeyTypes = List.of();
  volatile List<Principal> acceptedIssuers = List.of();
  volatile boolean certificateSent;
  volatile List<X509Certificate> serverChain = List.of();
  /** Our verdict on the server's chain (and host name); null when the handshake did not get that far. */
  volatile Verdict serverVerdict;
  volatile boolean completed;
  /** The material generation the handshake used; a pooled connection of an older one is not reused. */
  final long generation;

  Handshake(String host, int port, long generation) {
    this.host = host;
    this.port = port;
    this.generation = generation;
  }
}
