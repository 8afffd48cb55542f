package dev.mtls.pki.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How long a certificate a command issues is valid. */
final class ValidityOption {
  @Option(names = "--days", paramLabel = "N",
      description = "Validity in days (default: 90; never beyond the CA's own).")
  Integer days;

  @Option(names = "--lifetime", paramLabel = "DURATION",
      description = "Validity as a duration, such as 24h, 10m or 90d (never beyond the CA's own); instead of --days.")
  String lifetime;

  /** Null when not given: the profile's default. */
  Duration validity() {
    if (days != null && lifetime != null) {
      throw new IllegalArgumentException("--days and --lifetime both say how long the certificate is valid: give one");
    }
    if (lifetime != null) {
      return Durations.parse("--lifetime", lifetime);
    }
    return days == null ? null : Duration.ofDays(days);
  }
}
