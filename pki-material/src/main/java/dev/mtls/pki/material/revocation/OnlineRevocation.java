package dev.mtls.pki.material.revocation;

import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.internal.revocation.Locations;
import dev.mtls.pki.material.internal.revocation.RevocationAnswers;
import dev.mtls.pki.material.trust.RevocationSource;
import dev.mtls.pki.material.trust.UnavailablePolicy;
import java.net.URI;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link RevocationSource} over HTTP: the OCSP responder a certificate names in its Authority Information Access
 * (or one configured for all), and the CRLs at the distribution points it names (and at configured URLs).
 *
 * <p>Every wait is bounded: each exchange by {@link Builder#timeout}, connection, reads and all. An answer is kept
 * until its nextUpdate, and at most {@link Builder#maxAge} after it was fetched, so a revocation reaches the
 * verifier within that period. A source that failed is not asked again for {@link Builder#retryAfter}: while a
 * responder is down, handshakes are decided at once by the {@link UnavailablePolicy}, not after a timeout each. A CRL
 * that cannot be refreshed is used until its own nextUpdate.
 */
public final class OnlineRevocation implements RevocationSource {
  private final URI responder;
  private final boolean ocspFromCertificates;
  private final boolean crlsFromCertificates;
  private final List<URI> crlUrls;
  private final Duration timeout;
  private final Duration maxAge;
  private final UnavailablePolicy whenUnavailable;
  private final RevocationAnswers answers;

  private OnlineRevocation(Builder builder) {
    this.responder = builder.responder;
    this.ocspFromCertificates = builder.ocspFromCertificates;
    this.crlsFromCertificates = builder.crlsFromCertificates;
    this.crlUrls = List.copyOf(builder.crlUrls);
    this.timeout = builder.timeout;
    this.maxAge = builder.maxAge;
    this.whenUnavailable = builder.whenUnavailable;
    this.answers = new RevocationAnswers(builder.timeout, builder.maxAge, builder.retryAfter);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public UnavailablePolicy whenUnavailable() {
    return whenUnavailable;
  }

  /** Whether any OCSP responder can apply: a configured one, or the ones certificates name. */
  public boolean asksOcsp() {
    return responder != null || ocspFromCertificates;
  }

  /** Whether any CRL URL can apply: configured ones, or the distribution points certificates name. */
  public boolean fetchesCrls() {
    return !crlUrls.isEmpty() || crlsFromCertificates;
  }

  /** Asks the configured responder, else the first one {@code certificate} names (when so configured). */
  @Override
  public Optional<Fetch<byte[]>> ocsp(X509Certificate certificate, X509Certificate issuer, Instant at) {
    URI uri = responder != null ? responder
        : ocspFromCertificates ? Locations.ocsp(certificate).stream().findFirst().orElse(null) : null;
    return uri == null ? Optional.empty() : Optional.of(answers.ocsp(uri, certificate, issuer, at));
  }

  /** Fetches the configured CRL URLs and (when so configured) the distribution points {@code certificate} names. */
  @Override
  public Optional<Fetch<List<X509CRL>>> crls(X509Certificate certificate, Instant at) {
    List<URI> urls = new ArrayList<>(crlUrls);
    if (crlsFromCertificates) {
      Locations.crlDistributionPoints(certificate).stream().filter(uri -> !urls.contains(uri)).forEach(urls::add);
    }
    return urls.isEmpty() ? Optional.empty() : Optional.of(answers.crls(urls, at));
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    if (responder != null) {
      parts.add("OCSP responder " + responder);
    } else if (ocspFromCertificates) {
      parts.add("OCSP responders named by certificates");
    }
    if (crlsFromCertificates) {
      parts.add("CRL distribution points named by certificates");
    }
    crlUrls.forEach(uri -> parts.add("CRL " + uri));
    return String.join(", ", parts) + " (timeout " + timeout.toMillis() + " ms, answers kept at most "
        + maxAge.toSeconds() + " s, " + whenUnavailable.name().toLowerCase(Locale.ROOT).replace('_', '-') + ")";
  }

  /** Configures an {@link OnlineRevocation}; nothing is asked unless a responder or CRL source is chosen. */
  public static final class Builder {
    private URI responder;
    private boolean ocspFromCertificates;
    private boolean crlsFromCertificates;
    private final List<URI> crlUrls = new ArrayList<>();
    private Duration timeout = RevocationSettings.REVOCATION_TIMEOUT.defaultValue();
    private Duration maxAge = RevocationSettings.REVOCATION_MAX_AGE.defaultValue();
    private Duration retryAfter = Duration.ofSeconds(30);
    private UnavailablePolicy whenUnavailable = RevocationSettings.REVOCATION_UNAVAILABLE.defaultValue();

    private Builder() {}

    /** Ask the OCSP responder each certificate names in its Authority Information Access. */
    public Builder ocspFromCertificates() {
      this.ocspFromCertificates = true;
      return this;
    }

    /** Ask this OCSP responder about every certificate, whatever the certificate names. */
    public Builder ocspResponder(URI responder) {
      this.responder = http(responder, "OCSP responder");
      return this;
    }

    /** Fetch CRLs from the distribution points each certificate names. */
    public Builder crlsFromCertificates() {
      this.crlsFromCertificates = true;
      return this;
    }

    /** Fetch CRLs from this URL (DER or PEM) for every certificate whose status is open. */
    public Builder addCrlUrl(URI url) {
      crlUrls.add(http(url, "CRL URL"));
      return this;
    }

    /** The longest one exchange with a source may take, all included: {@link RevocationSettings#REVOCATION_TIMEOUT}. */
    public Builder timeout(Duration timeout) {
      this.timeout = RevocationSettings.REVOCATION_TIMEOUT.check(timeout);
      return this;
    }

    /**
     * The longest an answer is relied on after it was fetched, even if its nextUpdate is later: the bound on how
     * late a revocation is noticed ({@link RevocationSettings#REVOCATION_MAX_AGE}).
     */
    public Builder maxAge(Duration maxAge) {
      this.maxAge = RevocationSettings.REVOCATION_MAX_AGE.check(maxAge);
      return this;
    }

    /** How long a source that failed is left alone before it is asked again. Default 30 s. */
    public Builder retryAfter(Duration retryAfter) {
      this.retryAfter = positive(retryAfter, "retryAfter");
      return this;
    }

    /** What to do when a source applies but does not answer: {@link RevocationSettings#REVOCATION_UNAVAILABLE}. */
    public Builder whenUnavailable(UnavailablePolicy policy) {
      this.whenUnavailable = RevocationSettings.REVOCATION_UNAVAILABLE.check(policy);
      return this;
    }

    /** Whether anything would be asked at all. */
    public boolean isEnabled() {
      return responder != null || ocspFromCertificates || crlsFromCertificates || !crlUrls.isEmpty();
    }

    public OnlineRevocation build() {
      return new OnlineRevocation(this);
    }

    private static URI http(URI uri, String what) {
      Objects.requireNonNull(uri, what + " == null");
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw new IllegalArgumentException(what + " must be an absolute http:// or https:// URL, got \""
            + SafeText.escape(uri.toString()) + "\"");
      }
      return uri;
    }

    private static Duration positive(Duration duration, String what) {
      if (duration == null || duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + duration);
      }
      return duration;
    }
  }
}
