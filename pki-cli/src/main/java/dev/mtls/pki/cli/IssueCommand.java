package dev.mtls.pki.cli;

import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.CertificateSpec;
import dev.mtls.pki.Delivery;
import dev.mtls.pki.IssuedCertificate;
import dev.mtls.pki.KeyAlgorithm;
import dev.mtls.pki.Pkcs12;
import dev.mtls.pki.Profile;
import dev.mtls.pki.material.Passwords;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.SubjectAltName;
import java.util.ArrayList;
import java.util.List;
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
        "The certificate is recorded in the CA's index only once every file is written: when one exists (and no",
        "--force) nothing is issued, and a file that cannot be written undoes the others.",
        "Example: issue server --dir ca --name localhost --san dns:localhost --san ip:127.0.0.1 --out certs"})
final class IssueCommand implements Callable<Integer> {
  @ParentCommand
  PkiCommand pki;

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PROFILE", description = "server or client.")
  String profile;

  @Mixin
  CaOptions ca;

  @Mixin
  OutputOptions output;

  @Option(names = "--subject", paramLabel = "DN", description = "Subject DN (default: CN=NAME).")
  String subject;

  @Option(names = "--san", paramLabel = "NAME", description = "Subject alternative name: dns:H, ip:A, email:E or uri:U (repeatable).")
  List<String> sans = new ArrayList<>();

  @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ec-p256", description = "Key type (default: ${DEFAULT-VALUE}).")
  String keyType;

  @Mixin
  ValidityOption validity;

  @Option(names = "--encrypt-key", description = "Encrypt NAME.key with the output password.")
  boolean encryptKey;

  @Option(names = "--p12-profile", paramLabel = "PROFILE", defaultValue = "modern",
      description = "modern (AES-256, SHA-256 MAC) or compat (3DES, SHA-1 MAC, for old keychains).")
  String p12Profile;

  @Mixin
  LocationOptions locations;

  @Mixin
  OutputPasswordOptions outPassword;

  @Override
  public Integer call() {
    Profile chosen = Profile.fromCliName(profile);
    Pkcs12.Profile packaging = Pkcs12Profiles.parse(p12Profile);
    List<SubjectAltName> names = sans.stream().map(SubjectAltName::parse).toList();
    char[] outputPassword = outPassword.resolveOptional();
    try {
      if (encryptKey && outputPassword == null) {
        throw new IllegalArgumentException("--encrypt-key needs --out-password-file or --out-password-env");
      }
      try (CaDirectory directory = ca.open()) {
        return issue(locations.applyTo(directory), chosen, packaging, names, outputPassword);
      }
    } finally {
      Passwords.clear(outputPassword);
    }
  }

  private int issue(CaDirectory directory, Profile chosen, Pkcs12.Profile packaging, List<SubjectAltName> names,
      char[] outputPassword) {
    String dn = subject != null ? subject : "CN=" + output.name;
    CertificateSpec.Builder request = chosen == Profile.SERVER ? CertificateSpec.server(dn)
        : CertificateSpec.client(dn);
    names.forEach(request::addSubjectAltName);
    request.keyAlgorithm(KeyAlgorithm.fromCliName(keyType));
    if (validity.validity() != null) {
      request.validity(validity.validity());
    }
    // Checked before signing, recorded once written: a run that fails leaves no certificate in the index.
    Delivery delivery = output.files().delivery(outputPassword, encryptKey, packaging, pki.keyEncryption());
    IssuedCertificate issued = directory.issue(request.build(), delivery);
    var printer = spec.commandLine().getOut();
    printer.println("Issued " + profile + " certificate " + SafeText.escape(dn) + " serial "
        + issued.certificate().getSerialNumber().toString(16) + ", valid until "
        + issued.certificate().getNotAfter().toInstant());
    OutputOptions.list(printer, delivery.files());
    return 0;
  }
}
