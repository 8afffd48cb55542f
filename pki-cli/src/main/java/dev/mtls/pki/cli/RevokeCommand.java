package dev.mtls.pki.cli;

import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.IndexEntry;
import dev.mtls.pki.RevocationReason;
import java.io.PrintWriter;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "revoke", mixinStandardHelpOptions = true,
    description = {"Mark a certificate revoked in the index: one the issuing CA issued, or the issuing CA itself",
        "(its serial is in 'inspect DIR/intermediate.pem'), which the root's CRL then revokes, cutting off every",
        "certificate below it. Run 'crl' afterwards to publish it; a running 'serve' publishes it by itself.",
        "Revoking the delegated OCSP signer (its key leaked) makes a new one at once: the revoked one never signs again."})
final class RevokeCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  CaOptions ca;

  @Option(names = "--serial", required = true, paramLabel = "HEX", description = "Serial number, as 'list' shows it.")
  String serial;

  @Option(names = "--reason", paramLabel = "REASON", defaultValue = "unspecified",
      description = "unspecified, keyCompromise, caCompromise, affiliationChanged, superseded, cessationOfOperation, "
          + "certificateHold or privilegeWithdrawn (default: ${DEFAULT-VALUE}).")
  String reason;

  @Override
  public Integer call() {
    RevocationReason why = RevocationReason.fromCliName(reason);
    IndexEntry entry;
    Optional<X509Certificate> signerBefore;
    Optional<X509Certificate> signer;
    try (CaDirectory directory = ca.open()) {
      signerBefore = directory.ocspSignerCertificate();
      entry = directory.revoke(Serials.parse(serial), why);
      signer = directory.ocspSignerCertificate();
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("Revoked serial " + entry.serialHex() + " (" + why.cliName() + ") at "
        + entry.revokedAt() + ". Publish it with: crl --dir " + ca.dir() + " (a running serve publishes it by itself)");
    if (signerBefore.isPresent() && signerBefore.get().getSerialNumber().equals(entry.serial())
        && signer.isPresent()) {
      out.println("It was the delegated OCSP signer: a new one, serial " + signer.get().getSerialNumber().toString(16)
          + ", signs from now on; a running responder switches at its next answer.");
    }
    return 0;
  }
}
