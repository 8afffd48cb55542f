package dev.mtls.pki;

import java.math.BigInteger;
import java.time.Instant;

/**
 * What the CA's EST service did with one request: issued a certificate ({@code serial}) or refused
 * ({@code refusal}, with the message the answer carried). {@code subject} is what the request asked for (RFC 2253,
 * escape it before logging), or null when the request could not be read that far.
 */
public record EstEvent(Operation operation, Instant at, String subject, BigInteger serial, EstRefusal refusal,
    String message) {
  /** The EST operation that was asked for. */
  public enum Operation {
    /** simpleenroll: a first certificate, for an enrolment token. */
    ENROLL,
    /** simplereenroll: a new certificate for the holder of a current one. */
    REENROLL
  }

  /** Whether a certificate was issued. */
  public boolean issued() {
    return refusal == null;
  }
}
