package dev.mtls.client.cli;

import dev.mtls.client.MtlsClientBuilder;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.pki.material.Passwords;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Who we are: a PEM chain and key, or a PKCS#12 key entry, with the password from a file, a variable or a prompt. */
final class IdentityOptions {
  @Option(names = "--cert", paramLabel = "FILE", description = "Our certificate chain, PEM, leaf first.")
  Path cert;

  @Option(names = "--key", paramLabel = "FILE", description = "Our private key, PEM (asks for a password if encrypted).")
  Path key;

  @Option(names = "--p12", paramLabel = "FILE", description = "Our identity as PKCS#12 (instead of --cert/--key).")
  Path p12;

  @Option(names = "--alias", paramLabel = "NAME", description = "The key entry to use when --p12 holds several.")
  String alias;

  @Option(names = "--password-file", paramLabel = "FILE", description = "Read the key or PKCS#12 password from FILE.")
  Path passwordFile;

  @Option(names = "--password-env", paramLabel = "VAR", description = "Read the key or PKCS#12 password from $VAR.")
  String passwordEnv;

  void validate(CommandLine commandLine) {
    if (p12 != null && (cert != null || key != null)) {
      throw new CommandLine.ParameterException(commandLine, "give either --p12 or --cert/--key, not both");
    }
    if ((cert == null) != (key == null)) {
      throw new CommandLine.ParameterException(commandLine, "--cert and --key go together");
    }
    if (alias != null && p12 == null) {
      throw new CommandLine.ParameterException(commandLine, "--alias needs --p12");
    }
  }

  /** The password the PEM key was read with (null: not encrypted), for the client to read it again at reloads. */
  private char[] keyPassword;

  /**
   * Gives the client {@code ours} as loaded; with {@code renewFrom}, as the PEM files instead, reloaded and renewed
   * from there (a one-shot request renews only if the certificate is due; a load run renews while it runs).
   */
  void applyTo(MtlsClientBuilder builder, Identity ours, URI renewFrom, CommandLine commandLine) {
    if (renewFrom == null) {
      builder.identity(ours);
      return;
    }
    builder.identityPem(cert, key, keyPassword);
    try {
      builder.renewFrom(renewFrom);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(commandLine, "--renew-from: " + e.getMessage());
    }
  }

  /** Our identity, or null when none was given; asks for the password of an encrypted PEM key none was given for. */
  Identity load() {
    if (p12 != null) {
      char[] password = Passwords.resolve(passwordFile, passwordEnv, "Password of " + p12);
      return Identity.loadPkcs12(p12, password, alias);
    }
    if (cert == null) {
      return null;
    }
    keyPassword = Passwords.resolve(passwordFile, passwordEnv, null);
    try {
      return Identity.loadPem(cert, key, keyPassword);
    } catch (KeyMaterialException e) {
      if (keyPassword != null || !String.valueOf(e.getMessage()).contains("is encrypted")) {
        throw e;
      }
      keyPassword = Passwords.prompt("Password of " + key);
      return Identity.loadPem(cert, key, keyPassword);
    }
  }
}
