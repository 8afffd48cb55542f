package dev.mtls.pki.cli;

import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.KeyAlgorithm;
import dev.mtls.pki.material.Passwords;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import javax.security.auth.x500.X500Principal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "init", mixinStandardHelpOptions = true,
    description = {"Create a root CA (10 years, pathLen 1) and an issuing intermediate (5 years, pathLen 0) in DIR.",
        "For certificates whose status 'serve --dir DIR --port 8081' publishes on this machine:",
        "  init --dir DIR --crl-url http://127.0.0.1:8081/crl/issuing.crl \\",
        "      --root-crl-url http://127.0.0.1:8081/crl/root.crl \\",
        "      --ocsp-url http://127.0.0.1:8081/ocsp"})
final class InitCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "CA directory to create.")
  Path dir;

  @Option(names = "--root-subject", paramLabel = "DN", defaultValue = "CN=mtls-reference Root CA,O=mtls-reference",
      description = "Root subject (default: ${DEFAULT-VALUE}).")
  String rootSubject;

  @Option(names = "--intermediate-subject", paramLabel = "DN",
      defaultValue = "CN=mtls-reference Issuing CA,O=mtls-reference", description = "Intermediate subject (default: ${DEFAULT-VALUE}).")
  String intermediateSubject;

  @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ec-p256",
      description = "ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096 or ed25519 (default: ${DEFAULT-VALUE}).")
  String keyType;

  @Option(names = "--crl-url", paramLabel = "URL", converter = HttpUrlConverter.class,
      description = "CRL distribution point of the certificates the issuing CA signs: where its CRL is published.")
  String crlUrl;

  @Option(names = "--root-crl-url", paramLabel = "URL", converter = HttpUrlConverter.class,
      description = "CRL distribution point of the intermediate: where the root's CRL is published.")
  String rootCrlUrl;

  @Option(names = "--ocsp-url", paramLabel = "URL", converter = HttpUrlConverter.class,
      description = "OCSP responder to name in the Authority Information Access of the certificates the issuing CA"
          + " signs.")
  String ocspUrl;

  @Option(names = "--force", description = "Replace an existing CA in DIR (orphans everything it issued).")
  boolean force;

  @Mixin
  PasswordOptions password;

  @ParentCommand
  PkiCommand pki;

  @Override
  public Integer call() {
    char[] caPassword = password.resolve();
    X500Principal intermediate;
    try (CaDirectory ca = CaDirectory.init(dir, caPassword, new CaDirectory.InitOptions(
        new X500Principal(rootSubject), new X500Principal(intermediateSubject), KeyAlgorithm.fromCliName(keyType),
        crlUrl, rootCrlUrl, ocspUrl, pki.keyEncryption()), force, Clock.systemUTC())) {
      intermediate = ca.intermediate().getSubjectX500Principal();
    } finally {
      Passwords.clear(caPassword);
    }
    var out = spec.commandLine().getOut();
    out.println("Created a two-tier CA in " + dir);
    out.println("  root:          " + dir.resolve("root.pem") + "  (trust anchor: give this to peers)");
    out.println("  intermediate:  " + dir.resolve("intermediate.pem") + "  (issues leaves)");
    out.println("  CA keys:       root.key, intermediate.key (encrypted, 0600)");
    out.println("  subject:       " + intermediate.getName());
    return 0;
  }
}
