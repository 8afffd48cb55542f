package dev.mtls.pki.cli;

import dev.mtls.pki.Pkcs12;
import dev.mtls.pki.material.AtomicFiles;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.AtomicFiles.Visibility;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.Passwords;
import dev.mtls.pki.material.Pem;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "p12", mixinStandardHelpOptions = true,
    description = {"Package PEM files as a password-protected PKCS#12 file:",
        "  an identity (--cert chain + --key) as a keystore, for browsers, curl --cert-type P12 and Java; or",
        "  trust anchors (--trust) as a truststore.",
        "The password comes from --out-password-file or --out-password-env, never from the command line."})
final class Pkcs12Command implements Callable<Integer> {
  @ParentCommand
  PkiCommand pki;

  @Spec
  CommandSpec spec;

  static final class Content {
    @ArgGroup(exclusive = false)
    IdentityFiles identity;

    @Option(names = "--trust", required = true, paramLabel = "FILE", description = "PEM bundle of trust anchors (truststore).")
    Path trust;
  }

  static final class IdentityFiles {
    @Option(names = "--cert", required = true, paramLabel = "FILE", description = "Certificate chain, PEM, leaf first.")
    Path cert;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "Private key, PEM.")
    Path key;

    @Option(names = "--key-password-file", paramLabel = "FILE", description = "Password of an encrypted --key.")
    Path keyPasswordFile;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Content content;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The .p12 file to write (0600).")
  Path out;

  @Option(names = "--name", paramLabel = "NAME", defaultValue = "identity",
      description = "Friendly name (the alias keytool and browsers show). Default: ${DEFAULT-VALUE}.")
  String name;

  @Option(names = "--profile", paramLabel = "PROFILE", defaultValue = "modern",
      description = "modern (AES-256-CBC, PBKDF2-HMAC-SHA256, SHA-256 MAC) or compat (3DES, SHA-1 MAC).")
  String profile;

  @Option(names = "--force", description = "Overwrite an existing output file.")
  boolean force;

  @Mixin
  OutputPasswordOptions outPassword;

  @Override
  public Integer call() {
    char[] password = outPassword.resolveOptional();
    if (password == null) {
      password = Passwords.prompt("Password for " + out);
    }
    try {
      return write(password);
    } finally {
      Passwords.clear(password);
    }
  }

  private int write(char[] password) {
    byte[] p12;
    String what;
    if (content.trust != null) {
      p12 = Pkcs12.trustStore(Pem.loadCertificates(content.trust), password);
      what = "truststore";
    } else {
      char[] keyPassword = content.identity.keyPasswordFile == null ? null
          : Passwords.fromFile(content.identity.keyPasswordFile);
      Identity identity;
      try {
        identity = Identity.loadPem(content.identity.cert, content.identity.key, keyPassword);
      } finally {
        Passwords.clear(keyPassword);
      }
      p12 = Pkcs12.keyStore(identity, password, name, Pkcs12Profiles.parse(profile), pki.keyEncryption());
      what = "keystore '" + name + "' with " + identity.chain().size() + " certificate(s)";
    }
    AtomicFiles.write(out, p12, Visibility.PRIVATE, force ? Existing.REPLACE : Existing.REFUSE);
    spec.commandLine().getOut().println("  wrote " + out + " (" + what + ", " + profile + " profile)");
    return 0;
  }
}
