package dev.mtls.testing.peers;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A program run by a test (a peer, the project's own jars, a command from the docs): every run has a timeout,
 * output goes to files (no pipe can fill up and block the program), and only the process this class started (and
 * its own children) is ever ended, by PID.
 */
public final class ExternalProcess implements AutoCloseable {
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  /** What a finished run printed and how it ended. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    /** Both streams, for assertions that do not care where a line went (openssl mixes them). */
    public String output() {
      return stdout + stderr;
    }

    /** For assertion messages: the command, its exit code and everything it printed. */
    public String describe() {
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

  /** Runs {@code command} to its end, with {@code stdin} as its input (null for none). Fails on timeout. */
  public static Result run(List<String> command, Map<String, String> environment, String stdin, Duration timeout) {
    return run(command, environment, stdin, null, timeout);
  }

  /** Runs {@code command} in {@code directory} (null: the working directory) to its end. Fails on timeout. */
  public static Result run(List<String> command, Map<String, String> environment, String stdin, Path directory,
      Duration timeout) {
    try (ExternalProcess running = start(command, environment, stdin, directory)) {
      return running.await(timeout);
    }
  }

  /** Runs {@code command} to its end without input or extra environment. Fails on timeout. */
  public static Result run(List<String> command, Duration timeout) {
    return run(command, Map.of(), null, timeout);
  }

  /** Starts {@code command} (e.g. a server) and returns at once; {@link #close()} ends it. */
  public static ExternalProcess start(List<String> command, Map<String, String> environment, String stdin) {
    return start(command, environment, stdin, null);
  }

  /** Starts {@code command} in {@code directory} (null: the working directory) and returns at once. */
  public static ExternalProcess start(List<String> command, Map<String, String> environment, String stdin,
      Path directory) {
    List<String> copy = List.copyOf(command);
    try {
      Path stdout = Files.createTempFile("mtls-process-", ".out");
      Path stderr = Files.createTempFile("mtls-process-", ".err");
      ProcessBuilder builder = new ProcessBuilder(copy)
          .redirectOutput(stdout.toFile())
          .redirectError(stderr.toFile());
      if (directory != null) {
        builder.directory(directory.toFile());
      }
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

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for the end of the process; on timeout ends it and fails the test with what it printed so far. */
  public Result await(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        stop();
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s: " + command + "\n--- stdout\n"
            + read(stdout) + "\n--- stderr\n" + read(stderr));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      throw new IllegalStateException("interrupted while waiting for " + command, e);
    }
    return new Result(command, process.exitValue(), read(stdout), read(stderr));
  }

  /** What the (possibly still running) process printed to stdout so far. */
  public String stdoutSoFar() {
    return read(stdout);
  }

  /** What the (possibly still running) process printed to stderr so far. */
  public String stderrSoFar() {
    return read(stderr);
  }

  /**
   * Ends the process if it still runs: SIGTERM first (nginx and chromium clean up on it), SIGKILL after a grace
   * period. Its own children (chromium's renderers) go the same way, by PID; nothing else is touched.
   */
  public void stop() {
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

  private static File nullDevice() {
    return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }
}
