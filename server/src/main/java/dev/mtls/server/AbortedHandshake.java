package dev.mtls.server;

import java.time.Instant;
import java.util.Objects;

/**
 * A handshake the client gave up on, by sending a fatal alert: most often it does not trust our certificate. Not a
 * refusal of ours, so not a {@link Rejection}; it says the client's side needs looking at.
 *
 * @param peer  the client's address, {@code host:port}
 * @param alert what the client's alert said, e.g. {@code Received fatal alert: certificate_unknown}; escaped
 * @param at    when it happened
 */
public record AbortedHandshake(String peer, String alert, Instant at) {
  public AbortedHandshake {
    Objects.requireNonNull(peer, "peer == null");
    Objects.requireNonNull(alert, "alert == null");
    Objects.requireNonNull(at, "at == null");
  }
}
