package dev.mtls.pki.cli;

import dev.mtls.pki.DemoPki;
import dev.mtls.pki.material.Passwords;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Create a complete learning set in one go: a root + intermediate CA; a server certificate for",
        "localhost, 127.0.0.1 and ::1; clients alice (OU=admins), bob (OU=readers) and carol (OU=contractors, no role);",
        "a client from a separate foreign CA; an expired client; a revoked client and a CRL. Each in PEM and PKCS#12.",
        "A random password protecting the CA keys and every .p12 is written to OUT/password.txt (0600)."})
final class DemoCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "demo-pki", description = "Where to create it (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--password-file", paramLabel = "FILE", description = "Use this password instead of a random one.")
  Path passwordFile;

  @Option(names = "--force", description = "Replace an existing demo set in DIR.")
  boolean force;

  @Option(names = "--publish-url", paramLabel = "URL", converter = HttpUrlConverter.class, description = {"Where 'pki serve --dir DIR/ca' will publish "
      + "the revocation status, e.g. http://127.0.0.1:8081: the leaves name URL/ocsp (OCSP) and "
      + "URL/crl/issuing.crl (CRL), the intermediate URL/crl/root.crl. Default: no URLs in the certificates."})
  String publishUrl;

  @Option(names = "--lifetime", paramLabel = "DURATION", description = "How long the server's and the valid clients'"
      + " certificates are valid, such as 24h for short-lived ones that renew themselves over EST (default: 90d, as"
      + " 'issue').")
  String lifetime;

  @Override
  public Integer call() {
    if (!force && isNonEmptyDirectory(out)) {
      throw new IllegalStateException(out + ": exists and is not empty; refusing to overwrite it. "
          + "Choose another --out, or add --force to replace the demo set");
    }
    DemoPki.Builder builder = DemoPki.builder(out).replaceExisting(force)
        .keyEncryption(PkiCommand.of(spec).keyEncryption());
    if (passwordFile != null) {
      char[] password = Passwords.fromFile(passwordFile);
      builder.password(password);
      Passwords.clear(password);
    }
    if (publishUrl != null) {
      builder.publishUrl(publishUrl);
    }
    if (lifetime != null) {
      builder.lifetime(Durations.parse("--lifetime", lifetime));
    }
    DemoPki demo = builder.create();

    PrintWriter printer = spec.commandLine().getOut();
    printer.println("Demo PKI in " + out + " (password for the CA keys and every .p12: " + demo.passwordFile() + ")");
    printer.println();
    printer.print(demo.table().indent(2));
    printer.println();
    printer.println("  trust anchor (root):   " + demo.rootCertificate());
    printer.println("  CA chain:              " + demo.caChain());
    printer.println("  CRL:                   " + demo.crl());
    demo.publishUrl().ifPresent(url -> printer.println("  status published at:   " + url + " (run: pki serve --dir "
        + demo.caDirectory() + " --password-file " + demo.passwordFile() + ")"));
    printer.println("  each NAME has NAME.key (0600), NAME.pem, NAME-chain.pem (leaf + intermediate) and NAME.p12");
    return 0;
  }

  private static boolean isNonEmptyDirectory(Path directory) {
    if (!Files.isDirectory(directory)) {
      return Files.exists(directory);
    }
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.findAny().isPresent();
    } catch (IOException e) {
      throw new UncheckedIOException(directory + ": cannot read: " + e.getMessage(), e);
    }
  }
}
