package dev.mtls.pki.cli;

import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.material.Passwords;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A CA directory and its password, for the commands that sign with the CA's keys. */
class CaOptions {
  @Mixin
  CaDirectoryOption directory;

  @Mixin
  PasswordOptions password;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  Path dir() {
    return directory.dir;
  }

  /**
   * The CA, opened with its password; keys it writes are encrypted at the command line's cost
   * ({@link PkiCommand#keyEncryption}). The password is kept only by the CA directory, which forgets it when closed.
   */
  CaDirectory open() {
    char[] caPassword = password.resolve();
    try {
      return CaDirectory.open(dir(), caPassword, PkiCommand.of(command).keyEncryption(), Clock.systemUTC());
    } finally {
      Passwords.clear(caPassword);
    }
  }
}
