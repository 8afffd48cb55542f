package dev.mtls.client;

import java.security.Principal;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What we observed during one TLS handshake, recorded by the wrapping key and trust managers: whether the
 * server asked for our certificate (and which CAs and key types it accepts), whether we sent one, and the
 * chain the server presented. Filled in on the handshaking thread; read after the handshake or its failure.
 */
final class Handshake {
  /** Why our trust manager refused the server, when it did. */
  enum TrustFailure { NONE, UNTRUSTED_CHAIN, HOSTNAME }

  final String host;
  final int port;
  volatile boolean certificateRequested;
  volatile List<String> acceptedKeyTypes = List.of();
  volatile List<Principal> acceptedIssuers = List.of();
  volatile boolean certificateSent;
  volatile List<X509Certificate> serverChain = List.of();
  volatile TrustFailure trustFailure = TrustFailure.NONE;
  volatile String trustFailureDetail;
  volatile boolean completed;

  Handshake(String host, int port) {
    this.host = host;
    this.port = port;
  }
}
