package dev.mtls.server;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A CRL in service has a quarter of its validity (nextUpdate - thisUpdate) or less left: unless a fresh one replaces
 * it by its nextUpdate, every client of its CA is refused from then on ("CRL out of date"). Told once per CRL, at the
 * first check past that mark (checks run every reload interval, at each {@link MtlsServer#reload()} and at start);
 * most often it means that whatever publishes the CRL file has stopped.
 *
 * @param source     where the CRL comes from, e.g. the CRL file's path
 * @param issuer     the CA whose CRL it is, escaped for display
 * @param number     its CRL number
 * @param nextUpdate when it runs out
 * @param left       how long until then (negative once past)
 * @param at         when the check saw it
 */
public record CrlRunningOut(String source, String issuer, BigInteger number, Instant nextUpdate, Duration left,
    Instant at) {
  public CrlRunningOut {
    Objects.requireNonNull(source, "source == null");
    Objects.requireNonNull(issuer, "issuer == null");
    Objects.requireNonNull(number, "number == null");
    Objects.requireNonNull(nextUpdate, "nextUpdate == null");
    Objects.requireNonNull(left, "left == null");
    Objects.requireNonNull(at, "at == null");
  }
}
