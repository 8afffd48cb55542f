package dev.mtls.pki.cli;

import static dev.mtls.pki.PublicationServer.CRL_PATH;
import static dev.mtls.pki.PublicationServer.OCSP_PATH;

import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.CrlPublisher;
import dev.mtls.pki.cli.PublishingOptions.Publication;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.SubjectAltName;
import dev.mtls.pki.material.trust.CrlSet;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Publish the revocation status of DIR's certificates over HTTP until stopped (Ctrl-C), from one"
        + " server: the OCSP responder of 'ocsp' at /ocsp, and the CRLs (DER) at /crl/issuing.crl (the issuing"
        + " CA's) and /crl/root.crl (the root's, which covers the intermediate). New CRLs are signed (next numbers)"
        + " after a revocation and once the last ones have passed half their validity (--crl-validity); they are"
        + " served, not written to DIR/crl.pem. DIR/crl.pem, which servers may read, is kept current while this"
        + " runs (re-signed after a revocation and at half its validity) with the validity 'crl --days' gave it,"
        + " so it stays valid long after serve stops. Listens on 127.0.0.1 unless told otherwise.",
        "For certificates that point here (--port 8081):",
        "  init --dir DIR --crl-url http://127.0.0.1:8081/crl/issuing.crl \\",
        "      --root-crl-url http://127.0.0.1:8081/crl/root.crl \\",
        "      --ocsp-url http://127.0.0.1:8081/ocsp",
        "or, for one certificate of an existing CA: issue ... --crl-url URL --ocsp-url URL.",
        "With --est-port, also EST (RFC 7030) over HTTPS at /.well-known/est/ (cacerts, simpleenroll with a token"
            + " from 'token', simplereenroll with the current certificate, csrattrs), with a server certificate"
            + " for --est-name kept in DIR/est-server.pem (key est-server.key, encrypted with the CA password)."})
final class ServeCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  PublishingOptions publishing;

  @Option(names = "--crl-validity", paramLabel = "MINUTES", defaultValue = "60",
      description = "nextUpdate - thisUpdate of each CRL served; a new one is signed at half of it (default:"
          + " ${DEFAULT-VALUE}). DIR/crl.pem keeps its own validity.")
  int crlValidityMinutes;

  @Option(names = "--ocsp-validity", paramLabel = "MINUTES", defaultValue = "10",
      description = "How long an OCSP answer may be cached (default: ${DEFAULT-VALUE}).")
  int ocspValidityMinutes;

  @Option(names = "--est-port", paramLabel = "PORT",
      description = "Also serve EST over HTTPS on this port (0 picks a free one); off unless given.")
  Integer estPort;

  @Option(names = "--est-name", paramLabel = "NAME", split = ",", defaultValue = "localhost,127.0.0.1",
      description = "DNS names and IP addresses of the EST server certificate (default: ${DEFAULT-VALUE}).")
  List<String> estNames;

  @Option(names = "--est-lifetime", paramLabel = "DURATION", defaultValue = "24h",
      description = "How long the certificates EST issues are valid, such as 24h or 10m; never beyond the CA's own"
          + " (default: ${DEFAULT-VALUE}).")
  String estLifetime;

  @Override
  public Integer call() {
    Duration estValidity = Durations.parse("--est-lifetime", estLifetime);
    List<SubjectAltName> estSans = estNames.stream().map(SubjectAltName::parse).toList();
    Duration crlValidity = Durations.positive("--crl-validity", crlValidityMinutes, ChronoUnit.MINUTES);
    Duration ocspValidity = Durations.positive("--ocsp-validity", ocspValidityMinutes, ChronoUnit.MINUTES);
    PrintWriter out = spec.commandLine().getOut();
    return publishing.untilStopped(ocspValidity, out, (ca, responder) -> {
      CrlPublisher crls = new CrlPublisher(ca, crlValidity, Clock.systemUTC());
      // Signed now, so that a wrong root key or a locked CA is said here rather than to the first relying party.
      CaDirectory.PublishedCrls first = crls.current();
      ca.refreshCrlFile();
      EstListener est = estPort == null ? null
          : EstListener.start(ca, publishing.listen.host, estPort, estSans, estValidity, out);
      return new Publication(server -> server.ocspResponder(OCSP_PATH, responder).crls(CRL_PATH, crls), server -> {
        out.println("Publishing the revocation status of the CA in " + ca.directory() + " until stopped (Ctrl-C):");
        out.println("  OCSP responder:  " + server.uri(OCSP_PATH) + "  (" + PublishingOptions.signer(responder)
            + ")");
        out.println("  issuing CA CRL:  " + server.uri(CRL_PATH + "/issuing.crl") + "  (number "
            + CrlSet.number(first.issuing()) + ", next update " + first.issuing().getNextUpdate().toInstant() + ")");
        out.println("  root CA CRL:     " + server.uri(CRL_PATH + "/root.crl") + "  (number "
            + CrlSet.number(first.root()) + ")");
        out.println("  for servers:     " + ca.directory().resolve("crl.pem") + "  (next update "
            + Pem.loadCrls(ca.directory().resolve("crl.pem")).get(0).getNextUpdate().toInstant()
            + ", kept current while this runs)");
        if (est != null) {
          out.println("  EST (RFC 7030):  " + est.uri() + "  (server certificate serial "
              + est.certificate().getSerialNumber().toString(16) + " for " + estSans + ", issuing for "
              + estLifetime + "; tokens: 'token')");
        }
      }, () -> {
        try {
          if (est != null) {
            est.renewIfDue();
          }
        } finally {
          ca.refreshCrlFile();
        }
      }, est);
    });
  }
}
