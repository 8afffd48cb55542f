package dev.mtls.pki;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs openssl or keytool in a working directory, with a timeout, and captures exit code and output. */
public final class ExternalTool {
  static final String OPENSSL = "/usr/bin/openssl";
  private static final long TIMEOUT_SECONDS = 30;

  /** Exit code and stdout + stderr, interleaved as the tool wrote them. */
  public record Result(int exitCode, String output) {
    @Override
    public String toString() {
      return "exit " + exitCode + ":\n" + output;
    }
  }

  private ExternalTool() {}

  public static Result openssl(Path directory, String... arguments) {
    List<String> command = new ArrayList<>();
    command.add(OPENSSL);
    command.addAll(List.of(arguments));
    return run(directory, command);
  }

  static Result keytool(Path directory, String... arguments) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    return run(directory, command);
  }

  static Result run(Path directory, List<String> command) {
    try {
      Path output = Files.createTempFile(directory, "tool-output", ".txt");
      Process process = new ProcessBuilder(command)
          .directory(directory.toFile())
          .redirectErrorStream(true)
          .redirectOutput(output.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail(command + " did not finish within " + TIMEOUT_SECONDS + " s");
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      Files.delete(output);
      return new Result(process.exitValue(), text);
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + command, e);
    }
  }
}
