package dev.mtls.pki.cli;

import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.CertificateAuthority;
import dev.mtls.pki.CertificateSpec;
import dev.mtls.pki.IssuedCertificate;
import dev.mtls.pki.KeyAlgorithm;
import dev.mtls.pki.Pkcs12;
import dev.mtls.pki.RevocationReason;
import dev.mtls.pki.material.AtomicFiles;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.AtomicFiles.Visibility;
import dev.mtls.pki.material.Passwords;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.SubjectAltName;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.security.auth.x500.X500Principal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Create a complete learning set in one go: a root + intermediate CA; a server certificate for",
        "localhost, 127.0.0.1 and ::1; clients alice (OU=admins), bob (OU=readers) and carol (OU=contractors, no role);",
        "a client from a separate foreign CA; an expired client; a revoked client and a CRL. Each in PEM and PKCS#12.",
        "A random password protecting the CA keys and every .p12 is written to OUT/password.txt (0600)."})
final class DemoCommand implements Callable<Integer> {
  @ParentCommand
  PkiCommand pki;

  static final String ORGANIZATION = "mtls-reference";

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

  @Override
  public Integer call() {
    if (!force && isNonEmptyDirectory(out)) {
      throw new IllegalStateException(out + ": exists and is not empty; refusing to overwrite it. "
          + "Choose another --out, or add --force to replace the demo set");
    }
    Existing existing = force ? Existing.REPLACE : Existing.REFUSE;
    char[] password = passwordFile != null ? Passwords.fromFile(passwordFile) : randomPassword();
    Path passwordOut = out.resolve("password.txt");
    AtomicFiles.writeString(passwordOut, new String(password) + "\n", Visibility.PRIVATE, existing);

    Clock clock = Clock.systemUTC();
    CaDirectory.InitOptions options = CaDirectory.InitOptions.defaults(ORGANIZATION)
        .withKeyEncryption(pki.keyEncryption());
    if (publishUrl != null) {
      String base = publishUrl.replaceAll("/+$", "");
      options = options.withUrls(base + ServeCommand.CRL_PATH + "/issuing.crl", base + ServeCommand.CRL_PATH
          + "/root.crl", base + ServeCommand.OCSP_PATH);
    }
    try (CaDirectory ca = CaDirectory.init(out.resolve("ca"), password, options, force, clock)) {
      return demo(ca, password, passwordOut, existing, clock);
    } finally {
      Passwords.clear(password);
    }
  }

  private int demo(CaDirectory ca, char[] password, Path passwordOut, Existing existing, Clock clock) {
    Instant now = clock.instant();
    PrintWriter printer = spec.commandLine().getOut();
    printer.println("Demo PKI in " + out + " (password for the CA keys and every .p12: " + passwordOut + ")");
    printer.println();
    printer.printf("  %-10s %-48s %s%n", "NAME", "SUBJECT", "WHAT IT SHOWS");
    write(printer, ca.issue(CertificateSpec.server("CN=localhost,O=" + ORGANIZATION)
            .addSubjectAltName(SubjectAltName.dns("localhost"))
            .addSubjectAltName(SubjectAltName.ip("127.0.0.1"))
            .addSubjectAltName(SubjectAltName.ip("::1")).build()),
        "server", "the server: DNS:localhost, IP:127.0.0.1, IP:::1", password, existing);
    write(printer, ca.issue(client("alice", "admins").build()), "alice", "client with role admin", password, existing);
    write(printer, ca.issue(client("bob", "readers").build()), "bob", "client with role reader", password, existing);
    write(printer, ca.issue(client("carol", "contractors").build()), "carol", "valid client that no role rule maps",
        password, existing);
    write(printer, ca.issue(client("expired", "admins").notBefore(now.minus(Duration.ofDays(30)))
            .validity(Duration.ofDays(1)).build()),
        "expired", "client whose certificate expired 29 days ago", password, existing);
    IssuedCertificate revoked = ca.issue(client("revoked", "admins").build());
    ca.revoke(revoked.certificate().getSerialNumber(), RevocationReason.KEY_COMPROMISE);
    ca.generateCrl(Duration.ofDays(30));
    String where = publishUrl == null ? "listed in ca/crl.pem" : "ca/crl.pem; pki serve publishes it";
    write(printer, revoked, "revoked", "client revoked for keyCompromise (" + where + ")", password, existing);

    // Same subject as alice, but from a CA the server does not trust: the name proves nothing by itself.
    CertificateAuthority foreignRoot = CertificateAuthority.createRoot(
        new X500Principal("CN=Foreign Root CA,O=elsewhere"), KeyAlgorithm.EC_P256, CertificateAuthority.ROOT_VALIDITY, clock);
    AtomicFiles.writeString(out.resolve("foreign-root.pem"), Pem.encode(foreignRoot.certificate()), Visibility.PUBLIC, existing);
    write(printer, foreignRoot.issue(client("alice", "admins").build()), "foreign",
        "alice's name, signed by a foreign CA", password, existing);

    printer.println();
    printer.println("  trust anchor (root):   " + out.resolve("ca/root.pem"));
    printer.println("  CA chain:              " + out.resolve("ca/ca-chain.pem"));
    printer.println("  CRL:                   " + out.resolve("ca/crl.pem"));
    if (publishUrl != null) {
      printer.println("  status published at:   " + publishUrl + " (run: pki serve --dir " + out.resolve("ca")
          + " --password-file " + out.resolve("password.txt") + ")");
    }
    printer.println("  each NAME has NAME.key (0600), NAME.pem, NAME-chain.pem (leaf + intermediate) and NAME.p12");
    return 0;
  }

  private static CertificateSpec.Builder client(String name, String unit) {
    return CertificateSpec.client("CN=" + name + ",OU=" + unit + ",O=" + ORGANIZATION);
  }

  private void write(PrintWriter printer, IssuedCertificate issued, String name, String what, char[] password,
      Existing existing) {
    new CredentialFiles(out, name, existing).write(issued, password, false, Pkcs12.Profile.MODERN,
        pki.keyEncryption());
    printer.printf("  %-10s %-48s %s%n", name, issued.certificate().getSubjectX500Principal().getName(), what);
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

  private static char[] randomPassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
  }
}
