package dev.mtls.pki.material.renewal;

import java.math.BigInteger;
import java.time.Instant;

/** What one renewal attempt did, as it happened: it started, renewed, or failed. */
public sealed interface RenewalEvent {
  /** When the event happened, by the renewal's clock. */
  Instant at();

  /** An attempt began for the certificate with {@code serial}, the one in the files now. */
  record Started(BigInteger serial, Instant at) implements RenewalEvent {}

  /**
   * A new key and certificate were written over the old ones and handed to the reload: the certificate with
   * {@code newSerial} (valid until {@code notAfter}) replaces {@code oldSerial}; the next renewal is due at
   * {@code nextDue}.
   */
  record Renewed(BigInteger oldSerial, BigInteger newSerial, Instant notAfter, Instant nextDue, Instant at)
      implements RenewalEvent {}

  /**
   * An attempt failed for {@code reason} ({@code message} says what and what to do, escaped); this is failure
   * number {@code failures} in a row, and the next attempt is at {@code nextRetry}. The current certificate stays.
   */
  record Failed(RenewalFailure reason, String message, int failures, Instant nextRetry, Instant at)
      implements RenewalEvent {}
}
