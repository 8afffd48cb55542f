package dev.mtls.e2e;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A third-party program (curl, openssl, nginx, chromium, ...) run by a test: every run has a timeout, output goes
 * to files (no pipe can fill up and block the program), and only the process this class started (and its own
 * children) is ever ended, by PID.
 */
final class ExternalProcess implements AutoCloseable {
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  /** What a finished run printed and how it ended. */
  record Result(List<String> command, int exitCode, String stdout, String stderr) {
    /** Both streams, for assertions that do not care where a line went (openssl mixes them). */
    String output() {
      return stdout + stderr;
    }

    /** For assertion messages: the command, its exit code and everything it printed. */
    String describe() {
      return "command " + command + " exited with " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n"
          + stderr;
    }
  }

  private final List<String> command;
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private ExternalProcess(List<String> command, Process process, Path stdout, Path stderr) {
    this.command = command;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * The absolute path of {@code program}, searched on PATH and in the sbin directories (nginx lives in
   * /usr/sbin). Fails the test, naming the Debian package, when it is not installed: these peers are part of what
   * the project proves, so their absence is an error, not a reason to skip.
   */
  static String require(String program, String debianPackage) {
    List<String> directories = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    directories.addAll(List.of("/usr/sbin", "/usr/local/sbin", "/sbin"));
    for (String directory : directories) {
      if (directory.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(directory, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return fail(program + " is not installed (looked on PATH and in /usr/sbin). These tests run it as a real"
        + " third-party peer; .ci/run installs the peers (apt-get install " + debianPackage + ").");
  }

  /** Runs {@code command} to its end, with {@code stdin} as its input (null for none). Fails on timeout. */
  static Result run(List<String> command, Map<String, String> environment, String stdin, Duration timeout) {
    try (ExternalProcess running = start(command, environment, stdin)) {
      return running.await(timeout);
    }
  }

  /** Runs {@code command} to its end without input or extra environment. Fails on timeout. */
  static Result run(List<String> command, Duration timeout) {
    return run(command, Map.of(), null, timeout);
  }

  /** Starts {@code command} (e.g. a server) and returns at once; {@link #close()} ends it. */
  static ExternalProcess start(List<String> command, Map<String, String> environment, String stdin) {
    List<String> copy = List.copyOf(command);
    try {
      Path stdout = Files.createTempFile("e2e-peer-", ".out");
      Path stderr = Files.createTempFile("e2e-peer-", ".err");
      ProcessBuilder builder = new ProcessBuilder(copy)
          .redirectOutput(stdout.toFile())
          .redirectError(stderr.toFile());
      builder.environment().putAll(environment);
      if (stdin == null) {
        builder.redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
      }
      Process process = builder.start();
      if (stdin != null) {
        try (OutputStream in = process.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          // The program may exit (or close its input) before reading everything; its output says why.
        }
      }
      return new ExternalProcess(copy, process, stdout, stderr);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + copy, e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for the end of the process; on timeout ends it and fails the test with what it printed so far. */
  Result await(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        stop();
        fail("timed out after " + timeout.toSeconds() + " s: " + command + "\n--- stdout\n" + read(stdout)
            + "\n--- stderr\n" + read(stderr));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      throw new IllegalStateException("interrupted while waiting for " + command, e);
    }
    return new Result(command, process.exitValue(), read(stdout), read(stderr));
  }

  /** What the (possibly still running) process printed to stderr so far. */
  String stderrSoFar() {
    return read(stderr);
  }

  /**
   * Ends the process if it still runs: SIGTERM first (nginx and chromium clean up on it), SIGKILL after a grace
   * period. Its own children (chromium's renderers, the chromium wrapper script's browser) go the same way, by
   * PID; nothing else is touched.
   */
  void stop() {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  @Override
  public void close() {
    stop();
    try {
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    } catch (IOException e) {
      // Temporary files only.
    }
  }

  private static java.io.File nullDevice() {
    return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }
}
