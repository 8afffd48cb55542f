package dev.mtls.pki.cli;

import dev.mtls.pki.material.Passwords;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The CA password: from a file or an environment variable, else asked for on the terminal. */
final class PasswordOptions {
  @Option(names = "--password-file", paramLabel = "FILE", description = "File whose first line is the CA password.")
  Path file;

  @Option(names = "--password-env", paramLabel = "VARIABLE", description = "Environment variable holding the CA password.")
  String env;

  char[] resolve() {
    return Passwords.resolve(file, env, "CA password");
  }
}
