package dev.mtls.pki.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The CA directory a command works on ({@code init} makes one). */
final class CaDirectoryOption {
  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "CA directory.")
  Path dir;
}
