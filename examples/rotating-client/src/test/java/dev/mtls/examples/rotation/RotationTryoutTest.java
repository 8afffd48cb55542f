package dev.mtls.examples.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.testing.peers.FreePort;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code java -jar rotating-client.jar --try} does and prints, run in-process on a temporary directory. */
class RotationTryoutTest {
  private static final Pattern STARTED = Pattern.compile("Started a local MtlsServer on https://localhost:(\\d+)/.*");

  @TempDir
  Path dir;

  @Test
  void try_renews_the_certificate_under_requests_and_the_new_serial_takes_over_with_none_failed() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    int exit = RotationTryout.run(dir, new PrintStream(printed, true, StandardCharsets.UTF_8));

    List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(exit).as(String.join("\n", lines)).isZero();
    assertThat(lines).anyMatch(line -> line.matches("The server saw 20 requests with serial \\p{XDigit}+\\.*"))
        .anyMatch(line -> line.matches("Renewed tls.key and tls.crt in place: a new key, serial \\p{XDigit}+\\.*"))
        .anyMatch(line -> line.matches("The client put it in service \\d+ ms later: \"CN=stock-client,OU=shop,O=Shop\""
            + " \\(serial \\p{XDigit}+, valid until .*\\)"))
        .anyMatch(line -> line.matches(
            "After the renewal: \\d+ more requests with .*, then only \\p{XDigit}+\\.*: 30 in a row"))
        .anyMatch(line -> line.matches("Served \\d+ requests, 0 failed\\. Stopped the client and the server\\."
            + " Everything went as expected\\."))
        .noneMatch(line -> line.contains("FAILED") || line.contains("failed: "));
    int port = lines.stream().map(STARTED::matcher).filter(Matcher::matches).mapToInt(m -> Integer.parseInt(m.group(1)))
        .findFirst().orElseThrow();
    assertThat(FreePort.isListening(port)).as("the local server is stopped").isFalse();
    assertThat(dir.resolve("client/tls.crt")).isRegularFile();
  }
}
