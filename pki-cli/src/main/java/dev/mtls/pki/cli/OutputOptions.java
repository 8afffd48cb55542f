package dev.mtls.pki.cli;

import dev.mtls.pki.CredentialFiles;
import dev.mtls.pki.material.AtomicFiles.Existing;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Where a command writes the files of the one credential it makes. */
final class OutputOptions {
  @Option(names = "--name", required = true, paramLabel = "NAME", description = "Base name of the files written.")
  String name;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = ".",
      description = "Where to write (default: current directory).")
  Path out;

  @Option(names = "--force", description = "Overwrite existing output files (a certificate they held stays valid until"
      + " it expires or is revoked).")
  boolean force;

  CredentialFiles files() {
    return new CredentialFiles(out, name, force ? Existing.REPLACE : Existing.REFUSE);
  }

  /** Says which files a command wrote, one line each. */
  static void list(PrintWriter printer, List<Path> written) {
    for (Path file : written) {
      printer.println("  wrote " + file);
    }
  }
}
