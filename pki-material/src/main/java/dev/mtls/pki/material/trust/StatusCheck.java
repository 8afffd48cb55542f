package dev.mtls.pki.material.trust;

import java.time.Instant;
import java.util.Optional;

/**
 * How the revocation status of one certificate of a trusted path was established: which kind of source, where it
 * came from (a file, a URL, "stapled"), and until when it holds.
 */
public record StatusCheck(int index, Source source, String location, Instant until) {
  /** The kinds of answer a trusted verdict can rest on. */
  public enum Source {
    /** A current CRL from a file or fetched from a distribution point said "not revoked". */
    CRL,
    /** The OCSP response the server stapled in the handshake said "good". */
    STAPLED_OCSP,
    /** An OCSP responder asked by the verifier said "good". */
    OCSP,
    /** Nothing is configured that could tell: revocation was not checked. */
    NOT_CHECKED,
    /** A source applied but did not answer, and the policy accepts that (soft-fail, or missing-crl: accept). */
    UNAVAILABLE
  }

  public Optional<Instant> holdsUntil() {
    return Optional.ofNullable(until);
  }
}
