package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AccessLogTest {
  static final AccessLog.Entry HOSTILE = new AccessLog.Entry("GET", "/whoami\n200 forged", 200, 3,
      "CN=eve\r\nINFO forged,O=Demo", "1f", Set.of("reader", "admin"), "127.0.0.1:5000");

  @Test
  void text_line_has_every_field_and_no_line_break() {
    try (LogCapture log = new LogCapture(AccessLog.TEXT_LOGGER)) {
      new AccessLog(AccessLog.Format.TEXT).log(HOSTILE);

      assertThat(log.events()).singleElement().extracting(ILoggingEvent::getFormattedMessage).isEqualTo(
          "GET /whoami\\u000A200 forged 200 3ms subject=\"CN=eve\\u000D\\u000AINFO forged,O=Demo\" serial=1f"
              + " roles=[admin,reader] peer=127.0.0.1:5000");
    }
  }

  @Test
  void json_entry_is_one_line_from_logbacks_json_encoder() {
    try (LogCapture log = new LogCapture(AccessLog.JSON_LOGGER)) {
      new AccessLog(AccessLog.Format.JSON).log(HOSTILE);

      ILoggingEvent event = log.events().get(0);
      JsonEncoder encoder = new JsonEncoder();
      encoder.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
      encoder.start();
      String json = new String(encoder.encode(event), StandardCharsets.UTF_8);

      assertThat(json.strip()).doesNotContain("\n").doesNotContain("\r");
      assertThat(json).contains("\"message\":\"request\"")
          .contains("{\"path\":\"\\/whoami\\\\u000A200 forged\"}")
          .contains("{\"subject\":\"CN=eve\\\\u000D\\\\u000AINFO forged,O=Demo\"}")
          .contains("{\"status\":\"200\"}", "{\"serial\":\"1f\"}", "{\"roles\":\"admin,reader\"}");
      assertThat(event.getKeyValuePairs()).extracting(pair -> pair.key)
          .isEqualTo(List.of("method", "path", "status", "durationMs", "subject", "serial", "roles", "peer"));
    }
  }
}
