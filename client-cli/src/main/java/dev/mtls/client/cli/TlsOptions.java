package dev.mtls.client.cli;

import dev.mtls.client.HttpVersion;
import dev.mtls.client.MtlsClientBuilder;
import dev.mtls.pki.material.SafeText;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How we connect: the TLS and HTTP versions, the timeouts, and the check of our own certificate before we do. */
final class TlsOptions {
  @Option(names = "--tls-version", paramLabel = "1.2|1.3", description = "Allow only this TLS version.")
  String tlsVersion;

  @Option(names = "--http2", description = "Offer HTTP/2 (then HTTP/1.1) by ALPN and speak what the server picks. "
      + "With --repeat, the --concurrency requests in flight are then streams on one connection. Default: HTTP/1.1.")
  boolean http2;

  @Option(names = "--connect-timeout", paramLabel = "SECONDS", description = "Default: 5.")
  double connectTimeout = 5;

  @Option(names = "--max-time", paramLabel = "SECONDS", description = "Response timeout. Default: 30.")
  double responseTimeout = 30;

  @Option(names = "--expiry-warning-days", paramLabel = "DAYS",
      description = "Warn when our certificate expires within DAYS. Default: 14.")
  int expiryWarningDays = 14;

  @Option(names = "--no-preflight",
      description = "Send our certificate even if it is expired, not yet valid or not for client authentication "
          + "(to see what the server makes of it).")
  boolean noPreflight;

  void validate(CommandLine commandLine) {
    if (tlsVersion != null && !tlsVersion.equals("1.2") && !tlsVersion.equals("1.3")) {
      throw new CommandLine.ParameterException(commandLine, "--tls-version must be 1.2 or 1.3, not "
          + SafeText.escape(tlsVersion));
    }
  }

  void applyTo(MtlsClientBuilder builder, CommandLine commandLine) {
    builder.connectTimeout(seconds(connectTimeout, "--connect-timeout", commandLine))
        .responseTimeout(seconds(responseTimeout, "--max-time", commandLine))
        .expiryWarning(Duration.ofDays(expiryWarningDays))
        .enforcePreflight(!noPreflight);
    if (tlsVersion != null) {
      builder.protocols(List.of("TLSv" + tlsVersion));
    }
    if (http2) {
      builder.httpVersion(HttpVersion.HTTP_2);
    }
  }

  private static Duration seconds(double value, String option, CommandLine commandLine) {
    if (value <= 0) {
      throw new CommandLine.ParameterException(commandLine, option + " must be positive: " + value);
    }
    return Duration.ofMillis((long) (value * 1000));
  }
}
