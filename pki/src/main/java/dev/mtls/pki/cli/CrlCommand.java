package dev.mtls.pki.cli;

import dev.mtls.pki.CaDirectory;
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
    description = "Sign a new v2 CRL of every revoked certificate and write DIR/crl.pem.")
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
    X509CRL crl = CaDirectory.open(dir, password.resolve(), Clock.systemUTC()).generateCrl(Duration.ofDays(days));
    int count = crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size();
    spec.commandLine().getOut().println("Wrote " + dir.resolve("crl.pem") + ": " + count
        + " revoked certificate(s), next update " + crl.getNextUpdate().toInstant());
    return 0;
  }
}
