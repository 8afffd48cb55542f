package dev.mtls.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.Pem;
import dev.mtls.server.testing.ServerFixture;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar: starts from the example configuration, serves, and shuts down gracefully on SIGTERM. */
class ServerJarIT {
  static final Path JAR = Path.of("target/mtls-server.jar");
  static final Pattern LISTENING =
      Pattern.compile(".*listening on https://127\\.0\\.0\\.1:([0-9]+) .*management on http://127\\.0\\.0\\.1:([0-9]+);.*");

  @Test
  void jar_serves_with_the_example_configuration_and_stops_on_sigterm(@TempDir Path dir) throws Exception {
    ServerFixture pki = new ServerFixture();
    Path output = dir.resolve("output.txt");
    Process process = startExample(pki, dir, output);
    try {
      Matcher listening = awaitLine(output, LISTENING);
      int port = Integer.parseInt(listening.group(1));
      int managementPort = Integer.parseInt(listening.group(2));

      assertThat(pki.clientFor(pki.alice).get(port, "/whoami").body()).contains("\"roles\":[\"admin\"]");
      HttpResponse<String> health = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.body()).isEqualTo("ok\n");
      Matcher access = awaitLine(output, Pattern.compile("\\{.*\"message\":\"request\".*"));
      assertThat(access.group()).contains("\"loggerName\":\"dev.mtls.server.access-json\"")
          .contains("{\"path\":\"\\/whoami\"}").contains("{\"subject\":\"CN=alice,OU=admins,O=Demo\"}")
          .contains("{\"roles\":\"admin\"}");

      process.destroy(); // SIGTERM
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.readAllLines(output)).anyMatch(line -> line.endsWith("ServerCommand - shutting down: finishing"
          + " requests in progress")).anyMatch(line -> line.endsWith("ServerCommand - stopped"));
      assertThat(process.exitValue()).isEqualTo(143);
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void jar_starts_without_reading_an_xml_logging_configuration(@TempDir Path dir) throws Exception {
    Path classes = dir.resolve("classes.txt");
    Path output = dir.resolve("output.txt");
    Process process = startExample(new ServerFixture(), dir, output, "-Xlog:class+load=info:file=" + classes);
    try {
      awaitLine(output, LISTENING);

      // Logback's XML configuration (Joran and the JDK's XML parser) was a third of a second of start-up.
      assertThat(Files.readString(classes)).contains("ch.qos.logback.classic.LoggerContext ")
          .doesNotContain("ch.qos.logback.classic.joran.JoranConfigurator ")
          .doesNotContain("javax.xml.parsers.SAXParserFactory ");
      String timestamp = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d)";
      assertThat(Files.readAllLines(output))
          .anyMatch(line -> line.matches(timestamp + " INFO  [a-z.]*MtlsServer - listening on .*"));
    } finally {
      process.destroyForcibly();
    }
  }

  /** Starts the jar with the example configuration on free ports, its output (and errors) to {@code output}. */
  private static Process startExample(ServerFixture pki, Path dir, Path output, String... jvmOptions) throws IOException {
    for (String file : List.of("server.conf", "roles.conf", "routes.conf")) {
      Files.copy(Path.of("examples", file), dir.resolve(file));
    }
    Files.writeString(dir.resolve("tls.crt"), Pem.encode(pki.server.chain()));
    Files.writeString(dir.resolve("tls.key"), Pem.encode(pki.server.privateKey()));
    Files.writeString(dir.resolve("ca.crt"), Pem.encode(pki.root.certificate()));
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-jar", JAR.toString(), "--config", dir.resolve("server.conf").toString(), "--port", "0",
        "--management-port", "0", "--access-log-format", "json"));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
  }

  @Test
  void jar_prints_help() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process = new ProcessBuilder(java, "-jar", JAR.toString(), "--help").redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor()).isZero();
    assertThat(output).startsWith("Usage: mtls-server ").contains("--config=FILE");
  }

  /** Waits for the process to write a line matching {@code pattern} (bounded: 30 seconds). */
  private static Matcher awaitLine(Path output, Pattern pattern) {
    return Eventually.within(Duration.ofSeconds(30)).await("a line matching " + pattern + " in " + output,
        () -> firstMatch(output, pattern), Objects::nonNull);
  }

  private static Matcher firstMatch(Path output, Pattern pattern) {
    try {
      for (String line : Files.readAllLines(output)) {
        Matcher matcher = pattern.matcher(line);
        if (matcher.matches()) {
          return matcher;
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
