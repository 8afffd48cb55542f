package dev.mtls.pki.cli;

import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.IndexEntry;
import dev.mtls.pki.material.SafeText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List issued certificates, or with --expiring-within those (not revoked) that expire within N days.")
final class ListCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  CaDirectoryOption directory;

  @Option(names = "--expiring-within", paramLabel = "DAYS", description = "Only valid certificates expiring within DAYS (expired included).")
  Integer expiringWithin;

  @Override
  public Integer call() {
    CaDirectory ca = CaDirectory.open(directory.dir, null, Clock.systemUTC());
    List<IndexEntry> entries = expiringWithin == null ? ca.entries() : ca.expiringWithin(Duration.ofDays(expiringWithin));
    var out = spec.commandLine().getOut();
    Instant now = Instant.now();
    out.printf("%-42s %-8s %-22s %s%n", "SERIAL", "STATUS", "NOT AFTER", "SUBJECT");
    for (IndexEntry entry : entries) {
      String status = entry.status() == IndexEntry.Status.REVOKED ? "revoked"
          : entry.notAfter().isBefore(now) ? "expired" : "valid";
      out.printf("%-42s %-8s %-22s %s%n", entry.serialHex(), status, entry.notAfter(), SafeText.escape(entry.subject()));
    }
    out.println(entries.size() + " certificate(s)");
    return 0;
  }
}
