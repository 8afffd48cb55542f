package dev.mtls.pki.cli;

import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.Delivery;
import dev.mtls.pki.KeyAlgorithm;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "renew", mixinStandardHelpOptions = true,
    description = {"Re-issue a certificate for the same subject and SANs with a new serial and validity.",
        "Keeps the public key unless --new-key is given (then NAME.key is written, 0600). The old certificate stays",
        "valid until it expires or is revoked. The new one is recorded only once its files are written."})
final class RenewCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  CaOptions ca;

  @Option(names = "--serial", required = true, paramLabel = "HEX", description = "Serial of the certificate to renew.")
  String serial;

  @Mixin
  OutputOptions output;

  @Mixin
  ValidityOption validity;

  @Option(names = "--new-key", paramLabel = "TYPE", arity = "0..1", fallbackValue = "ec-p256",
      description = "Generate a new key of TYPE (default ec-p256) instead of keeping the old public key.")
  String newKey;

  @Mixin
  LocationOptions locations;

  @Override
  public Integer call() {
    try (CaDirectory directory = ca.open()) {
      return renew(locations.applyTo(directory));
    }
  }

  private int renew(CaDirectory directory) {
    KeyPair keyPair = newKey == null ? null : KeyAlgorithm.fromCliName(newKey).generate();
    Delivery delivery = output.files().delivery(keyPair != null);
    X509Certificate renewed = directory.renew(Serials.parse(serial), keyPair, validity.validity(), delivery)
        .certificate();
    var printer = spec.commandLine().getOut();
    printer.println("Renewed serial " + serial + " as " + renewed.getSerialNumber().toString(16) + ", valid until "
        + renewed.getNotAfter().toInstant() + (keyPair == null ? " (same key)" : " (new key)"));
    OutputOptions.list(printer, delivery.files());
    return 0;
  }
}
