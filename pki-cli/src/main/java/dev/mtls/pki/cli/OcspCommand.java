package dev.mtls.pki.cli;

import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.OcspResponder;
import dev.mtls.pki.PublicationServer;
import dev.mtls.pki.material.Passwords;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
        "renewed when it has less than a day left. Listens on 127.0.0.1 unless told otherwise."})
final class OcspCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "CA directory.")
  Path dir;

  @Mixin
  ListenOptions listen;

  @Option(names = "--validity", paramLabel = "MINUTES", defaultValue = "10",
      description = "How long an answer may be cached: nextUpdate - thisUpdate (default: ${DEFAULT-VALUE}).")
  int validityMinutes;

  @Mixin
  PasswordOptions password;

  @Override
  public Integer call() {
    if (validityMinutes <= 0) {
      throw new IllegalArgumentException("--validity must be positive, got " + validityMinutes);
    }
    char[] caPassword = password.resolve();
    try (CaDirectory ca = CaDirectory.open(dir, caPassword, Clock.systemUTC())) {
      OcspResponder responder = OcspResponder.forCa(ca, Duration.ofMinutes(validityMinutes), Clock.systemUTC());
      CaDirectory.OcspSigner signer = responder.signer();
      try (PublicationServer server = listen.server()
          .ocspResponder("/", responder).start()) {
        spec.commandLine().getOut().println("OCSP responder for " + ca.intermediate().getSubjectX500Principal()
            .getName() + " on " + server.uri("/") + " (signer serial "
            + signer.certificate().getSerialNumber().toString(16) + ", valid until "
            + signer.certificate().getNotAfter().toInstant() + ")");
        spec.commandLine().getOut().flush();
        UntilStopped.await();
      }
    } finally {
      Passwords.clear(caPassword);
    }
    return 0;
  }
}
