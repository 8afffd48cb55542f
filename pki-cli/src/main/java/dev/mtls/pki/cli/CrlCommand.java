package dev.mtls.pki.cli;

import dev.mtls.pki.CaDirectory;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "crl", mixinStandardHelpOptions = true,
    description = {"Sign new v2 CRLs and write both to DIR/crl.pem: the issuing CA's (every certificate it issued",
        "that is revoked) and the root's (the issuing CA itself, when revoked). Give servers this file: it covers",
        "every CA of a client's path, which a server that refuses missing CRLs needs."})
final class CrlCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  CaOptions ca;

  @Option(names = "--days", paramLabel = "N", defaultValue = "7",
      description = "Days until nextUpdate; servers refuse a CRL past it (default: ${DEFAULT-VALUE}).")
  int days;

  @Override
  public Integer call() {
    Duration validity = Durations.positive("--days", days, ChronoUnit.DAYS);
    CaDirectory.PublishedCrls crls;
    try (CaDirectory directory = ca.open()) {
      crls = directory.generateCrl(validity);
    }
    spec.commandLine().getOut().println("Wrote " + ca.dir().resolve("crl.pem") + ": the issuing CA's CRL with "
        + count(crls.issuing()) + " revoked certificate(s) and the root's CRL with " + count(crls.root())
        + " revoked CA certificate(s), next update " + crls.issuing().getNextUpdate().toInstant());
    return 0;
  }

  private static int count(X509CRL crl) {
    return crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size();
  }
}
