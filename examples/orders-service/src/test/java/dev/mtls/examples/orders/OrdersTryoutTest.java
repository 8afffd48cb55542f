package dev.mtls.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.testing.peers.FreePort;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code java -jar orders-service.jar --try} does and prints, run in-process on a temporary directory. */
class OrdersTryoutTest {
  private static final Pattern STARTED =
      Pattern.compile("Started OrdersService from service/ on https://localhost:(\\d+)");

  @TempDir
  Path dir;

  @Test
  void try_places_and_lists_an_order_as_carol_forbids_dave_refuses_mallory_and_exits_0() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    int exit = OrdersTryout.run(dir, new PrintStream(printed, true, StandardCharsets.UTF_8));

    List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(exit).as(String.join("\n", lines)).isZero();
    String placed = "{\"id\":1,\"item\":\"widget\",\"quantity\":3,\"placedBy\":\"CN=carol,OU=orders,O=Shop\"}";
    assertThat(lines).containsSubsequence(
        "carol    POST /api/orders -> 201 " + placed,
        "carol    GET  /api/orders -> 200 {\"orders\":[" + placed + "]}",
        "dave     POST /api/orders -> 403: CN=dave,OU=readers,O=Shop has roles [], the route needs [orders]",
        "mallory  GET  /api/orders -> refused in the TLS handshake",
        "  client says: The server rejected our client certificate, most likely because it does not trust the CA"
            + " that issued it.",
        "  server says: CA certificate \"CN=Foreign Issuing CA,O=elsewhere\" was issued by \"CN=Foreign Root CA,"
            + "O=elsewhere\", which is not a trust anchor here",
        "Stopped the service. Everything went as expected.");
    assertThat(lines).noneMatch(line -> line.contains("UNEXPECTED") || line.contains("FAILED"));
    int port = lines.stream().map(STARTED::matcher).filter(Matcher::matches).mapToInt(m -> Integer.parseInt(m.group(1)))
        .findFirst().orElseThrow();
    assertThat(FreePort.isListening(port)).as("the service is stopped").isFalse();
    for (String file : List.of("tls.crt", "tls.key", "ca.crt", "roles.conf")) {
      assertThat(dir.resolve("service").resolve(file)).isRegularFile();
    }
    assertThat(Files.readString(dir.resolve("service/roles.conf"))).isEqualTo(OrdersTryout.ROLES);
    assertThat(dir.resolve("carol/tls.key")).isRegularFile();
  }
}
