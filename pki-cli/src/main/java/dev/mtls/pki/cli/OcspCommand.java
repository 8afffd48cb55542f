package dev.mtls.pki.cli;

import dev.mtls.pki.cli.PublishingOptions.Publication;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "ocsp", mixinStandardHelpOptions = true,
    description = {"Run an OCSP responder (RFC 6960, HTTP GET and POST) for the issuing CA of DIR until stopped",
        "(Ctrl-C): good, revoked (time and reason) or unknown, from the index as it is at each request. Answers",
        "are signed by a delegated OCSP signer (EKU OCSPSigning, ocsp-nocheck), issued into DIR on first use and",
        "renewed when it has less than a day left, or at once when the index lists it revoked ('revoke' makes a new",
        "one): a revoked signer never signs again. Listens on 127.0.0.1 unless told otherwise."})
final class OcspCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  PublishingOptions publishing;

  @Option(names = "--validity", paramLabel = "MINUTES", defaultValue = "10",
      description = "How long an answer may be cached: nextUpdate - thisUpdate (default: ${DEFAULT-VALUE}).")
  int validityMinutes;

  @Override
  public Integer call() {
    Duration validity = Durations.positive("--validity", validityMinutes, ChronoUnit.MINUTES);
    PrintWriter out = spec.commandLine().getOut();
    return publishing.untilStopped(validity, out, (ca, responder) -> new Publication(
        server -> server.ocspResponder("/", responder),
        server -> out.println("OCSP responder for " + ca.intermediate().getSubjectX500Principal().getName() + " on "
            + server.uri("/") + " (" + PublishingOptions.signer(responder) + ")"), null, null));
  }
}
