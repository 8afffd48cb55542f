package dev.mtls.pki;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;

/** One line of a CA directory's index: what was issued, until when, and whether it was revoked. */
public record IndexEntry(BigInteger serial, Status status, Instant notAfter, Instant revokedAt,
    RevocationReason reason, String subject) {
  public enum Status { VALID, REVOKED }

  public IndexEntry {
    Objects.requireNonNull(serial, "serial == null");
    Objects.requireNonNull(status, "status == null");
    Objects.requireNonNull(notAfter, "notAfter == null");
    Objects.requireNonNull(subject, "subject == null");
    if ((status == Status.REVOKED) != (revokedAt != null && reason != null)) {
      throw new IllegalArgumentException("revocation time and reason go with status REVOKED only");
    }
  }

  public String serialHex() {
    return serial.toString(16);
  }

  IndexEntry revoked(Instant at, RevocationReason why) {
    return new IndexEntry(serial, Status.REVOKED, notAfter, at, why, subject);
  }
}
