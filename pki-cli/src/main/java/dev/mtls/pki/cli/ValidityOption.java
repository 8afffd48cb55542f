package dev.mtls.pki.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How long a certificate a command issues is valid. */
final class ValidityOption {
  @Option(names = "--days", paramLabel = "N",
      description = "Validity in days (default: 90; never beyond the CA's own).")
  Integer days;

  /** Null when not given: the profile's default. */
  Duration validity() {
    return days == null ? null : Duration.ofDays(days);
  }
}
