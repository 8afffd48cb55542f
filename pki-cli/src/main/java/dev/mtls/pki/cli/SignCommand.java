package dev.mtls.pki.cli;

import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.CredentialFiles;
import dev.mtls.pki.Csr;
import dev.mtls.pki.IndexEntry;
import dev.mtls.pki.IssuedCertificate;
import dev.mtls.pki.NamePolicy;
import dev.mtls.pki.Profile;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.SafeText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "sign", mixinStandardHelpOptions = true,
    description = {"Sign a CSR under a profile. The CA checks the CSR's signature and key strength, applies the",
        "name policy (if any --allow/--require option is given, every name and subject attribute it does not",
        "allow is refused), and decides every extension itself: nothing in the CSR can add a usage or make a CA.",
        "Writes OUT (leaf) and OUT with -chain before .pem (leaf + intermediate); the certificate is recorded in the",
        "CA's index only once both are written. Signing a CSR again is refused while OUT exists; with --force it",
        "issues another certificate for the same key, and says which earlier ones stay valid."})
final class SignCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  CaOptions ca;

  @Option(names = "--csr", required = true, paramLabel = "FILE", description = "The request (PEM).")
  Path csrFile;

  @Option(names = "--profile", required = true, paramLabel = "PROFILE", description = "server or client.")
  String profile;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Certificate to write (PEM).")
  Path out;

  @Mixin
  ValidityOption validity;

  @Option(names = "--allow-dns", paramLabel = "PATTERN", description = "Permit DNS SANs: exact or *.example.org.")
  List<String> allowDns = new ArrayList<>();

  @Option(names = "--allow-ip", paramLabel = "ADDRESS", description = "Permit this IP SAN.")
  List<String> allowIp = new ArrayList<>();

  @Option(names = "--allow-email", paramLabel = "PATTERN", description = "Permit email SANs: exact or @example.org.")
  List<String> allowEmail = new ArrayList<>();

  @Option(names = "--allow-uri", paramLabel = "PATTERN", description = "Permit URI SANs: exact or a prefix ending in *.")
  List<String> allowUri = new ArrayList<>();

  @Option(names = "--require-subject", paramLabel = "TYPE=VALUE", description = "Require this subject attribute, e.g. O=example.")
  List<String> requireSubject = new ArrayList<>();

  @Option(names = "--allow-subject", paramLabel = "TYPE=VALUE", split = ",",
      description = "Permit this subject attribute, e.g. OU=readers,OU=admins; TYPE=* permits any value of TYPE.")
  List<String> allowSubject = new ArrayList<>();

  @Option(names = "--allow-wildcard-dns", description = "Permit wildcard DNS names in client certificates.")
  boolean allowWildcardDns;

  @Option(names = "--force", description = "Overwrite existing output files (a certificate they held stays valid until"
      + " it expires or is revoked).")
  boolean force;

  @Mixin
  LocationOptions locations;

  @Override
  public Integer call() {
    Profile chosen = Profile.fromCliName(profile);
    NamePolicy policy = policy();
    Csr csr = Csr.load(csrFile);
    String fileName = out.getFileName().toString();
    String base = fileName.endsWith(".pem") ? fileName.substring(0, fileName.length() - 4) : fileName;
    Path chain = out.resolveSibling(base + "-chain.pem");
    IssuedCertificate issued;
    List<IndexEntry> alongside;
    try (CaDirectory directory = ca.open()) {
      // Checked before signing, recorded once written: a run that fails leaves no certificate in the index.
      issued = locations.applyTo(directory).sign(csr, chosen, policy, validity.validity(),
          CredentialFiles.certificateAndChain(out, chain, force ? Existing.REPLACE : Existing.REFUSE));
      alongside = directory.validFor(csr.publicKey()).stream()
          .filter(e -> !e.serial().equals(issued.certificate().getSerialNumber())).toList();
    }
    var printer = spec.commandLine().getOut();
    printer.println("Signed " + profile + " certificate for "
        + SafeText.escape(issued.certificate().getSubjectX500Principal().getName()) + " serial "
        + issued.certificate().getSerialNumber().toString(16));
    printer.println("  wrote " + out);
    printer.println("  wrote " + chain);
    for (IndexEntry other : alongside) {
      printer.println("  note: serial " + other.serialHex() + " certifies the same key and stays valid until "
          + other.notAfter() + "; if this one replaces it: revoke --dir " + ca.dir() + " --serial "
          + other.serialHex() + " --reason superseded");
    }
    return 0;
  }

  private NamePolicy policy() {
    if (allowDns.isEmpty() && allowIp.isEmpty() && allowEmail.isEmpty() && allowUri.isEmpty() && requireSubject.isEmpty()
        && allowSubject.isEmpty() && !allowWildcardDns) {
      spec.commandLine().getErr().println("warning: signing with no name policy: any subject and names the CSR asks"
          + " for are certified; --allow-subject, --allow-dns, --allow-uri, ... restrict them");
      return NamePolicy.permitAll();
    }
    NamePolicy.Builder builder = NamePolicy.builder();
    if (allowWildcardDns) {
      builder.allowWildcardClientNames();
    }
    for (String allowed : allowSubject) {
      int equals = allowed.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException("--allow-subject takes TYPE=VALUE, e.g. OU=readers; got '"
            + SafeText.escape(allowed) + "'");
      }
      builder.allowSubjectAttribute(allowed.substring(0, equals), allowed.substring(equals + 1));
    }
    allowDns.forEach(builder::addDns);
    allowIp.forEach(builder::addIp);
    allowEmail.forEach(builder::addEmail);
    allowUri.forEach(builder::addUri);
    for (String requirement : requireSubject) {
      int equals = requirement.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException("--require-subject takes TYPE=VALUE, e.g. O=example; got '"
            + SafeText.escape(requirement) + "'");
      }
      builder.requireSubjectAttribute(requirement.substring(0, equals), requirement.substring(equals + 1));
    }
    return builder.build();
  }
}
