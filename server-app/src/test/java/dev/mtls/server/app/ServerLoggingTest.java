package dev.mtls.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.ConsoleAppender;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerLoggingTest {
  private static final ClassLoader NOTHING = new URLClassLoader(new URL[0], null);

  @Test
  void writes_console_lines_and_the_json_access_log_as_the_jar_always_did() {
    LoggerContext context = new LoggerContext();
    ServerLogging.apply(context);

    ch.qos.logback.classic.Logger root = context.getLogger(ch.qos.logback.classic.Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.INFO);
    ConsoleAppender<?> console = (ConsoleAppender<?>) root.getAppender("CONSOLE");
    assertThat(console.isStarted()).isTrue();
    assertThat(((PatternLayoutEncoder) console.getEncoder()).getPattern())
        .isEqualTo("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{24} - %msg%n");
    ch.qos.logback.classic.Logger access = context.getLogger("dev.mtls.server.access-json");
    assertThat(access.isAdditive()).isFalse();
    assertThat(((ConsoleAppender<?>) access.getAppender("ACCESS_JSON")).getEncoder()).isInstanceOf(JsonEncoder.class);
    assertThat(context.getLogger("org.xnio").getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.undertow").getLevel()).isEqualTo(Level.WARN);
  }

  @Test
  void applies_when_logback_is_given_no_configuration_of_its_own() {
    assertThat(ServerLogging.givenElsewhere(NOTHING, null)).isFalse();
  }

  @Test
  void defers_to_a_configuration_file_named_by_the_system_property() {
    assertThat(ServerLogging.givenElsewhere(NOTHING, "my-logback.xml")).isTrue();
  }

  @Test
  void defers_to_a_logback_xml_on_the_class_path(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("logback.xml"), "<configuration/>");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
      assertThat(ServerLogging.givenElsewhere(loader, null)).isTrue();
    }
  }
}
