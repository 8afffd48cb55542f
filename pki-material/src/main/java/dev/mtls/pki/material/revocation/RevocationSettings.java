package dev.mtls.pki.material.revocation;

import static dev.mtls.pki.material.settings.ValueType.choice;
import static dev.mtls.pki.material.settings.ValueType.list;
import static dev.mtls.pki.material.settings.ValueType.onOff;
import static dev.mtls.pki.material.settings.ValueType.positiveDuration;
import static dev.mtls.pki.material.settings.ValueType.url;

import dev.mtls.pki.material.settings.Setting;
import dev.mtls.pki.material.settings.SettingException;
import dev.mtls.pki.material.settings.SettingValues;
import dev.mtls.pki.material.settings.ValueType;
import dev.mtls.pki.material.trust.UnavailablePolicy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The settings of online revocation checking, declared once for the server and the client: where to ask
 * (an OCSP responder, CRL distribution points, CRL URLs), how long to wait, how long an answer counts, and what to do
 * when no source answers. {@link #source} turns given values into an {@link OnlineRevocation}.
 */
public final class RevocationSettings {
  /** Which OCSP responder to ask: none, the one each certificate names, or one for every certificate. */
  public record Ocsp(boolean fromCertificates, URI responder) {
    public static final Ocsp OFF = new Ocsp(false, null);
    public static final Ocsp FROM_CERTIFICATES = new Ocsp(true, null);

    boolean isOff() {
      return !fromCertificates && responder == null;
    }
  }

  public static final Setting<Ocsp> OCSP = Setting.of("ocsp", ValueType.custom("off|aia|URL", (text, base) ->
      switch (text.toLowerCase(java.util.Locale.ROOT)) {
        case "off" -> Ocsp.OFF;
        case "aia" -> Ocsp.FROM_CERTIFICATES;
        default -> new Ocsp(false, url().parse(text, base));
      }, ocsp -> ocsp.isOff() ? "off" : ocsp.fromCertificates() ? "aia" : ocsp.responder().toString()), Ocsp.OFF,
      "off; aia: ask the OCSP responder each certificate names (Authority Information Access); or a responder URL"
          + " to ask about every certificate");
  public static final Setting<Boolean> CRL_DISTRIBUTION_POINTS = Setting.of("crl-distribution-points", onOff(),
      false, "on: fetch CRLs from the distribution points certificates name");
  public static final Setting<List<URI>> CRL_URL = Setting.optional("crl-url", list(url()), "none",
      "CRL URL(s) to fetch, DER or PEM, comma-separated, for every certificate no CRL file covers");
  public static final Setting<UnavailablePolicy> REVOCATION_UNAVAILABLE = Setting.of("revocation-unavailable",
      choice(UnavailablePolicy.class), UnavailablePolicy.HARD_FAIL, "when a responder or distribution point applies"
          + " but does not answer in time: hard-fail refuses, soft-fail accepts and says so once per issuer");
  public static final Setting<Duration> REVOCATION_TIMEOUT = Setting.of("revocation-timeout", positiveDuration(),
      Duration.ofSeconds(2), "the longest one OCSP or CRL fetch may take, connection and reads included");
  public static final Setting<Duration> REVOCATION_MAX_AGE = Setting.of("revocation-max-age", positiveDuration(),
      Duration.ofMinutes(5), "the longest a fetched answer is relied on, even if its nextUpdate is later: a"
          + " revocation is noticed within it");

  /** Every setting above, in the order the reference lists them. */
  public static final List<Setting<?>> ALL = List.of(OCSP, CRL_DISTRIBUTION_POINTS, CRL_URL, REVOCATION_UNAVAILABLE,
      REVOCATION_TIMEOUT, REVOCATION_MAX_AGE);

  private RevocationSettings() {}

  /**
   * The revocation source {@code values} configure, or empty when they name none. A setting that only tunes a
   * source (unavailable, max age, and the timeout unless {@code timeoutUsedElsewhere}, as by OCSP stapling) given
   * without one is refused with a {@link SettingException} naming it; so is a URL that is not an absolute http(s)
   * URL.
   */
  public static Optional<OnlineRevocation> source(SettingValues values, boolean timeoutUsedElsewhere) {
    OnlineRevocation.Builder builder = OnlineRevocation.builder();
    Ocsp ocsp = values.getOrDefault(OCSP);
    if (ocsp.fromCertificates()) {
      builder.ocspFromCertificates();
    } else if (ocsp.responder() != null) {
      apply(OCSP, () -> builder.ocspResponder(ocsp.responder()));
    }
    if (values.getOrDefault(CRL_DISTRIBUTION_POINTS)) {
      builder.crlsFromCertificates();
    }
    for (URI url : values.get(CRL_URL).orElse(List.of())) {
      apply(CRL_URL, () -> builder.addCrlUrl(url));
    }
    builder.whenUnavailable(values.getOrDefault(REVOCATION_UNAVAILABLE));
    builder.timeout(values.getOrDefault(REVOCATION_TIMEOUT));
    builder.maxAge(values.getOrDefault(REVOCATION_MAX_AGE));
    if (builder.isEnabled()) {
      return Optional.of(builder.build());
    }
    for (Setting<?> tuning : List.of(REVOCATION_UNAVAILABLE, REVOCATION_TIMEOUT, REVOCATION_MAX_AGE)) {
      if (values.isSet(tuning) && !(tuning == REVOCATION_TIMEOUT && timeoutUsedElsewhere)) {
        throw new SettingException(tuning, "no revocation source is configured for it to apply to: set "
            + OCSP.key() + ", " + CRL_DISTRIBUTION_POINTS.key() + " or " + CRL_URL.key());
      }
    }
    return Optional.empty();
  }

  private static void apply(Setting<?> setting, Runnable change) {
    try {
      change.run();
    } catch (IllegalArgumentException e) {
      throw new SettingException(setting, e.getMessage());
    }
  }
}
