package dev.mtls.pki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.testing.Eventually;
import java.io.StringWriter;
import java.time.Duration;
import picocli.CommandLine;

/**
 * A command that serves ({@code serve}, {@code ocsp}) as a user runs it, on a thread of its own; closing interrupts
 * it, as Ctrl-C stops the JVM.
 */
final class ServedCommand implements AutoCloseable {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final Thread thread;
  volatile int exit = -1;

  ServedCommand(String... args) {
    CommandLine commandLine = PkiCliTestBase.commandLine(out, err);
    thread = new Thread(() -> exit = commandLine.execute(args), "pki-" + args[0] + "-under-test");
    thread.start();
  }

  /** What it printed once {@code marker} is in it; fails at once if the command ended without printing it. */
  String awaitOutput(String marker) {
    return Eventually.within(Duration.ofSeconds(30)).await("the command to print '" + marker + "'", () -> {
      if (!thread.isAlive() && !out.toString().contains(marker)) {
        throw new AssertionError("the command ended without printing '" + marker + "': exit " + exit + "\n" + out
            + err);
      }
      return out.toString();
    }, printed -> printed.contains(marker));
  }

  @Override
  public void close() throws InterruptedException {
    thread.interrupt();
    thread.join(10_000);
    assertThat(thread.isAlive()).as("serve still running").isFalse();
    assertThat(exit).as(err.toString()).isZero();
  }
}
