package dev.mtls.pki.cli;

import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.KeyAlgorithm;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.AtomicFiles.Visibility;
import dev.mtls.pki.material.AtomicFiles;
import dev.mtls.pki.material.Passwords;
import dev.mtls.pki.material.Pem;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "renew", mixinStandardHelpOptions = true,
    description = {"Re-issue a certificate for the same subject and SANs with a new serial and validity.",
        "Keeps the public key unless --new-key is given (then NAME.key is written, 0600). The old certificate stays",
        "valid until it expires or is revoked."})
final class RenewCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "CA directory.")
  Path dir;

  @Option(names = "--serial", required = true, paramLabel = "HEX", description = "Serial of the certificate to renew.")
  String serial;

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "Base name of the files written.")
  String name;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = ".", description = "Where to write (default: current directory).")
  Path out;

  @Option(names = "--days", paramLabel = "N", description = "Validity in days (default: 90).")
  Integer days;

  @Option(names = "--new-key", paramLabel = "TYPE", arity = "0..1", fallbackValue = "ec-p256",
      description = "Generate a new key of TYPE (default ec-p256) instead of keeping the old public key.")
  String newKey;

  @Option(names = "--force", description = "Overwrite existing output files.")
  boolean force;

  @Mixin
  LocationOptions locations;

  @Mixin
  PasswordOptions password;

  @Override
  public Integer call() {
    char[] caPassword = password.resolve();
    try (CaDirectory ca = CaDirectory.open(dir, caPassword, Clock.systemUTC())) {
      return renew(locations.applyTo(ca));
    } finally {
      Passwords.clear(caPassword);
    }
  }

  private int renew(CaDirectory ca) {
    KeyPair keyPair = newKey == null ? null : KeyAlgorithm.fromCliName(newKey).generate();
    X509Certificate renewed = ca.renew(Serials.parse(serial), keyPair == null ? null : keyPair.getPublic(),
        days == null ? null : Duration.ofDays(days));
    Existing existing = force ? Existing.REPLACE : Existing.REFUSE;
    List<Path> written = new ArrayList<>();
    if (keyPair != null) {
      Path key = out.resolve(name + ".key");
      AtomicFiles.writeString(key, Pem.encode(keyPair.getPrivate()), Visibility.PRIVATE, existing);
      written.add(key);
    }
    Path certificate = out.resolve(name + ".pem");
    AtomicFiles.writeString(certificate, Pem.encode(renewed), Visibility.PUBLIC, existing);
    written.add(certificate);
    Path chain = out.resolve(name + "-chain.pem");
    AtomicFiles.writeString(chain, Pem.encode(List.of(renewed, ca.intermediate())), Visibility.PUBLIC, existing);
    written.add(chain);
    var printer = spec.commandLine().getOut();
    printer.println("Renewed serial " + serial + " as " + renewed.getSerialNumber().toString(16) + ", valid until "
        + renewed.getNotAfter().toInstant() + (keyPair == null ? " (same key)" : " (new key)"));
    Outputs.list(printer, written);
    return 0;
  }
}
