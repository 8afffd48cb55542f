package dev.mtls.pki.cli;

import dev.mtls.pki.Csr;
import dev.mtls.pki.KeyAlgorithm;
import dev.mtls.pki.material.AtomicFiles;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.AtomicFiles.Visibility;
import dev.mtls.pki.material.KeyPairs;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.SubjectAltName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.security.auth.x500.X500Principal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "csr", mixinStandardHelpOptions = true,
    description = {"Make a PKCS#10 certificate signing request. The private key stays here; only the CSR goes to the CA.",
        "With --key FILE missing, a new key is generated and written there (0600)."})
final class CsrCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--key", required = true, paramLabel = "FILE", description = "Private key (PEM); created if it does not exist.")
  Path key;

  @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ec-p256", description = "Type of a new key (default: ${DEFAULT-VALUE}).")
  String keyType;

  @Option(names = "--subject", required = true, paramLabel = "DN", description = "Subject DN, e.g. CN=alice,OU=admins,O=example.")
  String subject;

  @Option(names = "--san", paramLabel = "NAME", description = "dns:H, ip:A, email:E or uri:U (repeatable).")
  List<String> sans = new ArrayList<>();

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the CSR (PEM).")
  Path out;

  @Option(names = "--force", description = "Overwrite an existing CSR file.")
  boolean force;

  @Override
  public Integer call() {
    List<SubjectAltName> names = sans.stream().map(SubjectAltName::parse).toList();
    KeyPair keyPair;
    var printer = spec.commandLine().getOut();
    if (Files.exists(key)) {
      PrivateKey existing = Pem.loadPrivateKey(key, null);
      keyPair = new KeyPair(KeyPairs.publicKeyOf(existing), existing);
      printer.println("Using existing key " + key);
    } else {
      keyPair = KeyAlgorithm.fromCliName(keyType).generate();
      AtomicFiles.writeString(key, Pem.encode(keyPair.getPrivate()), Visibility.PRIVATE, Existing.REFUSE);
      printer.println("  wrote " + key + " (new " + keyType + " key, 0600)");
    }
    Csr csr = Csr.create(keyPair, new X500Principal(subject), names);
    AtomicFiles.writeString(out, csr.pem(), Visibility.PUBLIC, force ? Existing.REPLACE : Existing.REFUSE);
    printer.println("  wrote " + out + " (certificate request; send it to the CA)");
    return 0;
  }
}
