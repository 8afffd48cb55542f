package dev.mtls.pki.cli;

import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.material.Passwords;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
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

  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "CA directory.")
  Path dir;

  @Option(names = "--days", paramLabel = "N", defaultValue = "7",
      description = "Days until nextUpdate; servers refuse a CRL past it (default: ${DEFAULT-VALUE}).")
  int days;

  @Mixin
  PasswordOptions password;

  @Override
  public Integer call() {
    if (days <= 0) {
      throw new IllegalArgumentException("--days must be positive, got " + days);
    }
    char[] caPassword = password.resolve();
    CaDirectory.PublishedCrls crls;
    try (CaDirectory ca = CaDirectory.open(dir, caPassword, Clock.systemUTC())) {
      crls = ca.generateCrl(Duration.ofDays(days));
    } finally {
      Passwords.clear(caPassword);
    }
    spec.commandLine().getOut().println("Wrote " + dir.resolve("crl.pem") + ": the issuing CA's CRL with "
        + count(crls.issuing()) + " revoked certificate(s) and the root's CRL with " + count(crls.root())
        + " revoked CA certificate(s), next update " + crls.issuing().getNextUpdate().toInstant());
    return 0;
  }

  private static int count(X509CRL crl) {
    return crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size();
  }
}
