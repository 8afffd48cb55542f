package dev.mtls.pki.material.trust;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a verifier asks, over the network, about a certificate whose status no configured CRL gives: an OCSP
 * responder (the one the certificate names, or a configured one) and CRLs fetched from distribution points (the
 * certificate's, or configured URLs). An implementation bounds every wait and caches what it fetched, failures
 * included, so a dead responder cannot stall handshakes; the {@link Trust} decides what the answers mean, on the
 * path PKIX validated. It is asked only about certificates of such a path, never about what an unvalidated peer
 * names.
 */
public interface RevocationSource {
  /**
   * An OCSP response about {@code certificate}, issued by {@code issuer}, or why none could be had; empty when no
   * responder applies to it.
   */
  Optional<Fetch<byte[]>> ocsp(X509Certificate certificate, X509Certificate issuer, Instant at);

  /** CRLs that may decide for {@code certificate}, or why none could be had; empty when no URL applies to it. */
  Optional<Fetch<List<X509CRL>>> crls(X509Certificate certificate, Instant at);

  /** What to do when a source applies but gave no usable answer. */
  UnavailablePolicy whenUnavailable();

  /**
   * What one source gave: a value, or the failure; either may be relied on until {@code until} (a response's
   * cache period, or when a failed source will be asked again).
   */
  record Fetch<T>(String source, T value, String failure, Instant until) {
    public Fetch {
      Objects.requireNonNull(source, "source == null");
      Objects.requireNonNull(until, "until == null");
      if ((value == null) == (failure == null)) {
        throw new IllegalArgumentException("a fetch has either a value or a failure");
      }
    }

    public static <T> Fetch<T> of(String source, T value, Instant until) {
      return new Fetch<>(source, Objects.requireNonNull(value, "value == null"), null, until);
    }

    public static <T> Fetch<T> failed(String source, String failure, Instant retryAt) {
      return new Fetch<>(source, null, Objects.requireNonNull(failure, "failure == null"), retryAt);
    }

    public boolean succeeded() {
      return value != null;
    }
  }
}
