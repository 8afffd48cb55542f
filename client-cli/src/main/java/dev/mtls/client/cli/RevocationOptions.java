package dev.mtls.client.cli;

import dev.mtls.pki.material.revocation.OnlineRevocation;
import dev.mtls.pki.material.trust.UnavailablePolicy;
import java.net.URI;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Every revocation option of the client, and the one method that turns them into the client's revocation
 * configuration. Self-contained on purpose: nothing else reads these options.
 */
final class RevocationOptions {
  @Option(names = "--ocsp", paramLabel = "aia|URL", description = "Ask an OCSP responder about the server's "
      + "certificate when it staples no answer: the one the certificate names (aia), or URL.")
  String ocsp;

  @Option(names = "--crl-distribution-points", description = "Fetch CRLs from the distribution points the server's "
      + "certificates name.")
  boolean crlDistributionPoints;

  @Option(names = "--revocation-unavailable", paramLabel = "hard-fail|soft-fail", description = "When a responder "
      + "or distribution point does not answer: refuse the server (hard-fail, default) or accept it and say so.")
  String revocationUnavailable;

  @Option(names = "--require-stapled-ocsp", description = "Refuse a server that staples no OCSP response for its "
      + "certificate (must-staple). A stapled response is checked either way.")
  boolean requireStapledOcsp;

  /**
   * How the client learns whether a server's certificate is revoked.
   *
   * @param source             where to ask about a certificate the server stapled no answer for; null: nowhere
   * @param requireStapledOcsp whether a server must staple an OCSP response
   */
  record Revocation(OnlineRevocation source, boolean requireStapledOcsp) {}

  /** The configuration the options ask for; one that makes no sense is a usage error naming the option. */
  Revocation revocation(CommandLine commandLine) {
    OnlineRevocation.Builder online = OnlineRevocation.builder();
    if (ocsp != null) {
      try {
        if (ocsp.equalsIgnoreCase("aia")) {
          online.ocspFromCertificates();
        } else {
          online.ocspResponder(URI.create(ocsp));
        }
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(commandLine, "--ocsp: expected aia or an http:// URL: "
            + e.getMessage());
      }
    }
    if (crlDistributionPoints) {
      online.crlsFromCertificates();
    }
    if (revocationUnavailable != null) {
      online.whenUnavailable(switch (revocationUnavailable.toLowerCase(Locale.ROOT)) {
        case "hard-fail" -> UnavailablePolicy.HARD_FAIL;
        case "soft-fail" -> UnavailablePolicy.SOFT_FAIL;
        default -> throw new CommandLine.ParameterException(commandLine,
            "--revocation-unavailable: expected hard-fail or soft-fail, got " + revocationUnavailable);
      });
      if (!online.isEnabled()) {
        throw new CommandLine.ParameterException(commandLine,
            "--revocation-unavailable needs --ocsp or --crl-distribution-points");
      }
    }
    return new Revocation(online.isEnabled() ? online.build() : null, requireStapledOcsp);
  }
}
