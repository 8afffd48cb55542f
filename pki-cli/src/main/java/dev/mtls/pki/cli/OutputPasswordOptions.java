package dev.mtls.pki.cli;

import dev.mtls.pki.material.Passwords;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The password that protects written PKCS#12 files (and, with --encrypt-key, PEM keys). */
final class OutputPasswordOptions {
  @Option(names = "--out-password-file", paramLabel = "FILE",
      description = "File whose first line protects the .p12 (and the key with --encrypt-key).")
  Path file;

  @Option(names = "--out-password-env", paramLabel = "VARIABLE",
      description = "Environment variable holding that password.")
  String env;

  /** Null when no source was given: then no .p12 is written. */
  char[] resolveOptional() {
    return Passwords.resolve(file, env, null);
  }
}
