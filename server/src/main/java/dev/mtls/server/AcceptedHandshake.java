package dev.mtls.server;

import java.time.Instant;
import java.util.Objects;

/**
 * A completed TLS handshake: the client's certificate was accepted by the trust core (or, for a resumed session,
 * by an earlier handshake; its first request checks it again).
 *
 * @param peer        the client's address, {@code host:port}
 * @param protocol    TLSv1.3 or TLSv1.2
 * @param cipherSuite the negotiated suite
 * @param resumed     whether it resumed an earlier session instead of a full handshake
 * @param at          when it completed
 */
public record AcceptedHandshake(String peer, String protocol, String cipherSuite, boolean resumed, Instant at) {
  public AcceptedHandshake {
    Objects.requireNonNull(peer, "peer == null");
    Objects.requireNonNull(protocol, "protocol == null");
    Objects.requireNonNull(cipherSuite, "cipherSuite == null");
    Objects.requireNonNull(at, "at == null");
  }
}
