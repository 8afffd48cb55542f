package dev.mtls.pki.cli;

import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.CertificateSpec;
import dev.mtls.pki.IssuedCertificate;
import dev.mtls.pki.KeyAlgorithm;
import dev.mtls.pki.Pkcs12;
import dev.mtls.pki.Profile;
import dev.mtls.pki.material.Passwords;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.SubjectAltName;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "issue", mixinStandardHelpOptions = true,
    description = {"Generate a key and issue a server or client certificate from the CA in DIR.",
        "Writes NAME.key (0600), NAME.pem, NAME-chain.pem (leaf + intermediate) and, with an output password, NAME.p12.",
        "Example: issue server --dir ca --name localhost --san dns:localhost --san ip:127.0.0.1 --out certs"})
final class IssueCommand implements Callable<Integer> {
  @ParentCommand
  PkiCommand pki;

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PROFILE", description = "server or client.")
  String profile;

  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "CA directory.")
  Path dir;

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "Base name of the files written.")
  String name;

  @Option(names = "--subject", paramLabel = "DN", description = "Subject DN (default: CN=NAME).")
  String subject;

  @Option(names = "--san", paramLabel = "NAME", description = "Subject alternative name: dns:H, ip:A, email:E or uri:U (repeatable).")
  List<String> sans = new ArrayList<>();

  @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ec-p256", description = "Key type (default: ${DEFAULT-VALUE}).")
  String keyType;

  @Option(names = "--days", paramLabel = "N", description = "Validity in days (default: 90; never beyond the CA's own).")
  Integer days;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = ".", description = "Where to write (default: current directory).")
  Path out;

  @Option(names = "--encrypt-key", description = "Encrypt NAME.key with the output password.")
  boolean encryptKey;

  @Option(names = "--p12-profile", paramLabel = "PROFILE", defaultValue = "modern",
      description = "modern (AES-256, SHA-256 MAC) or compat (3DES, SHA-1 MAC, for old keychains).")
  String p12Profile;

  @Option(names = "--force", description = "Overwrite existing output files.")
  boolean force;

  @Mixin
  LocationOptions locations;

  @Mixin
  PasswordOptions caPassword;

  @Mixin
  OutputPasswordOptions outPassword;

  @Override
  public Integer call() {
    Profile chosen = Profile.fromCliName(profile);
    Pkcs12.Profile packaging = p12Profile(p12Profile);
    List<SubjectAltName> names = sans.stream().map(SubjectAltName::parse).toList();
    char[] outputPassword = outPassword.resolveOptional();
    if (encryptKey && outputPassword == null) {
      throw new IllegalArgumentException("--encrypt-key needs --out-password-file or --out-password-env");
    }
    char[] password = caPassword.resolve();
    try (CaDirectory ca = CaDirectory.open(dir, password, Clock.systemUTC())) {
      return issue(locations.applyTo(ca), chosen, packaging, names, outputPassword);
    } finally {
      Passwords.clear(password, outputPassword);
    }
  }

  private int issue(CaDirectory ca, Profile chosen, Pkcs12.Profile packaging, List<SubjectAltName> names,
      char[] outputPassword) {
    String dn = subject != null ? subject : "CN=" + name;
    CertificateSpec.Builder spec = chosen == Profile.SERVER ? CertificateSpec.server(dn) : CertificateSpec.client(dn);
    names.forEach(spec::addSubjectAltName);
    spec.keyAlgorithm(KeyAlgorithm.fromCliName(keyType));
    if (days != null) {
      spec.validity(Duration.ofDays(days));
    }
    IssuedCertificate issued = ca.issue(spec.build());
    var printer = this.spec.commandLine().getOut();
    printer.println("Issued " + profile + " certificate " + SafeText.escape(dn) + " serial "
        + issued.certificate().getSerialNumber().toString(16) + ", valid until " + issued.certificate().getNotAfter().toInstant());
    Outputs.list(printer, Outputs.write(issued, out, name, outputPassword, encryptKey, packaging, force,
        pki.keyEncryption()));
    return 0;
  }

  static Pkcs12.Profile p12Profile(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "modern" -> Pkcs12.Profile.MODERN;
      case "compat" -> Pkcs12.Profile.COMPAT;
      default -> throw new IllegalArgumentException("unknown PKCS#12 profile '" + name + "'; expected modern or compat");
    };
  }
}
