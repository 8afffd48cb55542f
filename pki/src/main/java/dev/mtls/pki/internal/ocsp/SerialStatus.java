package dev.mtls.pki.internal.ocsp;

import java.time.Instant;
import java.util.Objects;

/** What an OCSP response says of one serial: good, revoked (when, why: the RFC 5280 CRLReason), or unknown. */
public record SerialStatus(State state, Instant revokedAt, int reasonCode) {
  public enum State { GOOD, REVOKED, UNKNOWN }

  public static final SerialStatus GOOD = new SerialStatus(State.GOOD, null, 0);
  public static final SerialStatus UNKNOWN = new SerialStatus(State.UNKNOWN, null, 0);

  public SerialStatus {
    Objects.requireNonNull(state, "state == null");
    if ((state == State.REVOKED) != (revokedAt != null)) {
      throw new IllegalArgumentException("a revocation time goes with state REVOKED only");
    }
  }

  public static SerialStatus revoked(Instant at, int reasonCode) {
    return new SerialStatus(State.REVOKED, at, reasonCode);
  }
}
