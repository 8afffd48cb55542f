package dev.mtls.pki.cli;

import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.Passwords;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Mixin;

/** A CA directory and its password, for the commands that sign with the CA's keys. */
final class CaOptions {
  @Mixin
  CaDirectoryOption directory;

  @Mixin
  PasswordOptions password;

  Path dir() {
    return directory.dir;
  }

  /**
   * The CA, opened with its password; keys it writes are encrypted at {@code cost}. The password is kept only by the
   * CA directory, which forgets it when closed.
   */
  CaDirectory open(KeyEncryption cost) {
    char[] caPassword = password.resolve();
    try {
      return CaDirectory.open(dir(), caPassword, cost, Clock.systemUTC());
    } finally {
      Passwords.clear(caPassword);
    }
  }
}
