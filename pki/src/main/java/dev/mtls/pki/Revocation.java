package dev.mtls.pki;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;

/** One entry of a CRL. */
public record Revocation(BigInteger serial, Instant revokedAt, RevocationReason reason) {
  public Revocation {
    Objects.requireNonNull(serial, "serial == null");
    Objects.requireNonNull(revokedAt, "revokedAt == null");
    Objects.requireNonNull(reason, "reason == null");
  }
}
