package dev.mtls.e2e;

import dev.mtls.testing.Eventually;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server as a real process: {@code java -jar server-app/target/mtls-server.jar --config FILE}, on ports the OS picks
 * (port 0), read back from its start-up line. Output goes to files (no pipe can fill up and block it). Only this
 * process is ever ended, by its PID.
 */
public final class ServerProcess implements AutoCloseable {
  /** Start-up includes a JVM start and loading all material: generous on a busy 2-core machine. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private static final Pattern LISTENING = Pattern.compile(
      "listening on https://127\\.0\\.0\\.1:(\\d+) .*; management on http://127\\.0\\.0\\.1:(\\d+);");

  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private final int port;
  private final int managementPort;

  private ServerProcess(Process process, Path stdout, Path stderr, int port, int managementPort) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
    this.port = port;
    this.managementPort = managementPort;
  }

  /**
   * Writes {@code directory}/server.conf for a server on loopback ports picked by the system, with this identity and
   * trust, the example role rules, and {@code more} (further {@code key = value} lines); returns its path.
   */
  public static Path config(Path directory, Path chain, Path key, Path trust, String more) throws IOException {
    Files.createDirectories(directory);
    Files.copy(Artifacts.serverExample("roles.conf"), directory.resolve("roles.conf"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path config = directory.resolve("server.conf");
    Files.writeString(config, """
        host = 127.0.0.1
        port = 0
        management-host = 127.0.0.1
        management-port = 0
        certificate = %s
        key = %s
        trust = %s
        roles = roles.conf
        %s
        """.formatted(chain, key, trust, more), StandardCharsets.UTF_8);
    return config;
  }

  /**
   * Starts the server jar with {@code config} (which must ask for port 0 and management port 0 on 127.0.0.1) and
   * returns once its management {@code /health} answers 200. Output goes to {@code config}'s directory.
   */
  public static ServerProcess start(Path config) {
    return start(config, List.of());
  }

  /**
   * As {@link #start(Path)}, with {@code extraClassPath} after the server jar ({@code java -cp jar:extra... main}),
   * as a user adds an optional jar such as the ACCP crypto provider.
   */
  public static ServerProcess start(Path config, List<Path> extraClassPath) {
    Path directory = config.toAbsolutePath().getParent();
    Path stdout = directory.resolve("server.out");
    Path stderr = directory.resolve("server.err");
    List<String> command = new ArrayList<>(List.of(Artifacts.java().toString()));
    if (extraClassPath.isEmpty()) {
      command.addAll(List.of("-jar", Artifacts.serverJar().toString()));
    } else {
      StringBuilder classPath = new StringBuilder(Artifacts.serverJar().toString());
      extraClassPath.forEach(jar -> classPath.append(java.io.File.pathSeparatorChar).append(jar));
      command.addAll(List.of("-cp", classPath.toString(), "dev.mtls.server.app.ServerCommand"));
    }
    command.addAll(List.of("--config", config.toAbsolutePath().toString()));
    Process process;
    try {
      process = new ProcessBuilder(command)
          .directory(directory.toFile())
          .redirectOutput(stdout.toFile())
          .redirectError(stderr.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    try {
      Matcher listening = Eventually.within(START_TIMEOUT).await("the server process to report its ports",
          () -> listeningLine(process, stdout, stderr), Objects::nonNull);
      ServerProcess server = new ServerProcess(process, stdout, stderr, Integer.parseInt(listening.group(1)),
          Integer.parseInt(listening.group(2)));
      server.awaitHealthy(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      return server;
    } catch (RuntimeException | Error e) {
      process.destroyForcibly();
      throw e;
    }
  }

  public long pid() {
    return process.pid();
  }

  public int port() {
    return port;
  }

  public int managementPort() {
    return managementPort;
  }

  public Process process() {
    return process;
  }

  /** {@code https://localhost:PORT/path}. */
  public String url(String path) {
    return "https://localhost:" + port + path;
  }

  /**
   * The value of one sample of the server's Prometheus metrics, e.g.
   * {@code mtls_handshakes_total{outcome="refused",reason="REVOKED",resumed="false"}}, once it reaches {@code atLeast}
   * (waiting, bounded: a TLS 1.3 server judges the client after the client's handshake has returned).
   */
  public double awaitMetric(String sample, double atLeast) {
    Pattern line = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$");
    return Eventually.within(RunningServer.LOG_WAIT).await(sample + " >= " + atLeast + " in /metrics", () -> {
      Matcher matcher = line.matcher(managementBody("/metrics"));
      return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }, value -> value >= atLeast);
  }


  /** GET {@code http://127.0.0.1:MANAGEMENT/path} (plain HTTP, no certificate). */
  public HttpResponse<String> management(String path) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Sends SIGTERM ({@link Process#destroy()}) and waits up to {@code timeout}; returns whether it exited. Never
   * SIGKILLs: that is {@link #close()}'s job, so a test can tell a clean stop from a forced one.
   */
  public boolean terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Everything the process printed, for assertion messages. */
  public String describe() {
    return output(stdout, stderr);
  }

  /** The {@code /metrics} sample counting full handshakes refused for {@code reason}. */
  public static String refusedHandshakes(dev.mtls.pki.material.trust.Reason reason) {
    return "mtls_handshakes_total{outcome=\"refused\",reason=\"" + reason.name() + "\",resumed=\"false\"}";
  }

  /** Ends the process if it still runs: SIGTERM, then SIGKILL after 10 seconds. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    try {
      if (!terminate(Duration.ofSeconds(10))) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private void awaitHealthy(Duration within) {
    Eventually.within(within).until("the server process's /health to answer 200 on port " + managementPort, () -> {
      if (!process.isAlive()) {
        throw new AssertionError("the server process exited" + output(stdout, stderr));
      }
      try {
        return management("/health").statusCode() == 200;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    });
  }

  private String managementBody(String path) {
    try {
      return management(path).body();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }


  /** The line that names the ports, once the process wrote it; fails at once if the process exited first. */
  private static Matcher listeningLine(Process process, Path stdout, Path stderr) {
    Matcher matcher = LISTENING.matcher(read(stdout));
    if (matcher.find()) {
      return matcher;
    }
    if (!process.isAlive()) {
      throw new AssertionError("the server process exited with " + process.exitValue() + " before listening"
          + output(stdout, stderr));
    }
    return null;
  }

  private static String output(Path stdout, Path stderr) {
    return "\n--- server stdout\n" + read(stdout) + "\n--- server stderr\n" + read(stderr);
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }
}
