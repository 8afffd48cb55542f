package dev.mtls.server.internal.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.pki.material.trust.Verdict;
import dev.mtls.server.AccessLogFormat;
import dev.mtls.server.Caller;
import dev.mtls.server.ClientIdentity;
import dev.mtls.server.ServedRequest;
import dev.mtls.server.ServerLoggers;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.LogCapture;
import dev.mtls.testing.pki.Issued;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.parallel.Isolated;

/** The access-log listener's own lines: every field, and nothing a client controls can break a line. */
@Isolated // reads a logger that tests running beside it would write to
class AccessLogTest {
  static final ServerFixture PKI = new ServerFixture();
  static final Issued EVE = PKI.issuing.issue(new X500Principal("CN=eve\r\nINFO forged,O=Demo")).build();
  static final ServedRequest HOSTILE = new ServedRequest("127.0.0.1:5000", "GET", "/whoami\n200 forged",
      "HTTP/2", "GET /whoami", 200, Duration.ofMillis(3), caller(), Instant.now());

  private static Caller caller() {
    Verdict verdict = Trust.of(PKI.anchors()).verify(EVE.chain(), Purpose.CLIENT, Instant.now());
    return new Caller(ClientIdentity.of(EVE.certificate()), Set.of("reader", "admin"), verdict, false);
  }

  @Test
  void text_line_has_every_field_and_no_line_break() {
    try (LogCapture log = LogCapture.of(ServerLoggers.ACCESS)) {
      new AccessLog(AccessLogFormat.TEXT).served(HOSTILE);

      assertThat(log.events()).singleElement().extracting(ILoggingEvent::getFormattedMessage).isEqualTo(
          "GET /whoami\\u000A200 forged 200 3ms protocol=HTTP/2 subject=\"CN=eve\\u000D\\u000AINFO forged,O=Demo\""
              + " serial="
              + EVE.certificate().getSerialNumber().toString(16) + " roles=[admin,reader] peer=127.0.0.1:5000");
    }
  }

  @Test
  void json_entry_is_one_line_from_logbacks_json_encoder() {
    try (LogCapture log = LogCapture.of(ServerLoggers.ACCESS_JSON)) {
      new AccessLog(AccessLogFormat.JSON).served(HOSTILE);

      ILoggingEvent event = log.events().get(0);
      JsonEncoder encoder = new JsonEncoder();
      encoder.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
      encoder.start();
      String json = new String(encoder.encode(event), StandardCharsets.UTF_8);

      assertThat(json.strip()).doesNotContain("\n").doesNotContain("\r");
      assertThat(json).contains("\"message\":\"request\"")
          .contains("{\"path\":\"\\/whoami\\\\u000A200 forged\"}")
          .contains("{\"subject\":\"CN=eve\\\\u000D\\\\u000AINFO forged,O=Demo\"}")
          .contains("{\"status\":\"200\"}", "{\"roles\":\"admin,reader\"}");
      assertThat(event.getKeyValuePairs()).extracting(pair -> pair.key)
          .isEqualTo(List.of("method", "path", "status", "durationMs", "protocol", "subject", "serial", "roles",
              "peer"));
    }
  }

  @Test
  void off_writes_no_line_to_either_logger() {
    try (LogCapture text = LogCapture.of(ServerLoggers.ACCESS);
        LogCapture json = LogCapture.of(ServerLoggers.ACCESS_JSON)) {
      new AccessLog(AccessLogFormat.OFF).served(HOSTILE);
      new AccessLog(AccessLogFormat.TEXT).served(HOSTILE);

      assertThat(text.events()).as("only the text format's line").hasSize(1);
      assertThat(json.events()).isEmpty();
    }
  }

  @Test
  void a_forwarded_caller_names_the_proxy_it_came_through() {
    Issued proxy = PKI.issuing.issue(new X500Principal("CN=edge-proxy,O=Demo")).build();
    Caller forwarded = new Caller(ClientIdentity.of(PKI.alice.certificate()), Set.of("admin"), caller().verdict(),
        false, ClientIdentity.of(proxy.certificate()));
    ServedRequest request = new ServedRequest("198.51.100.7:4242", "GET", "/whoami", "HTTP/1.1", "GET /whoami", 200,
        Duration.ofMillis(2), forwarded, Instant.now());

    try (LogCapture text = LogCapture.of(ServerLoggers.ACCESS);
        LogCapture json = LogCapture.of(ServerLoggers.ACCESS_JSON)) {
      new AccessLog(AccessLogFormat.TEXT).served(request);
      new AccessLog(AccessLogFormat.JSON).served(request);

      assertThat(text.events().get(0).getFormattedMessage())
          .endsWith("peer=198.51.100.7:4242 via=\"CN=edge-proxy,O=Demo\"");
      assertThat(json.events().get(0).getKeyValuePairs()).anyMatch(pair -> pair.key.equals("via")
          && pair.value.equals("CN=edge-proxy,O=Demo"));
    }
  }
}
