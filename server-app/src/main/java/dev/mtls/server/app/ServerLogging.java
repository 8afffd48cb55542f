package dev.mtls.server.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The runnable jar's logging, set up in code (logback finds it as a {@link Configurator} service): INFO lines on the
 * console; the {@code dev.mtls.server.access-json} logger ({@code access-log-format = json}) as one JSON object per
 * request through logback's own {@link JsonEncoder}; XNIO and Undertow at WARN. In code rather than a logback.xml
 * because reading XML (the JDK's parser and logback's Joran) loaded some 450 classes at start-up.
 * Logback's own configuration wins: {@code -Dlogback.configurationFile=FILE}, or a {@code logback-test.xml} or
 * {@code logback.xml} on the class path.
 */
public final class ServerLogging extends ContextAwareBase implements Configurator {
  /** The logger {@code access-log-format = json} writes to. */
  static final String ACCESS_JSON = "dev.mtls.server.access-json";
  static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{24} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (givenElsewhere(ServerLogging.class.getClassLoader(), System.getProperty("logback.configurationFile"))) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    apply(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Whether logback is given a configuration of its own: a file named by the system property, or one it looks for. */
  static boolean givenElsewhere(ClassLoader loader, String configurationFile) {
    return configurationFile != null || loader.getResource("logback-test.xml") != null
        || loader.getResource("logback.xml") != null;
  }

  static void apply(LoggerContext context) {
    PatternLayoutEncoder lines = new PatternLayoutEncoder();
    lines.setPattern(PATTERN);
    JsonEncoder json = new JsonEncoder();
    json.setWithContext(false);
    json.setWithSequenceNumber(false);
    json.setWithNanoseconds(false);
    json.setWithArguments(false);

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(console(context, "CONSOLE", lines));
    Logger access = context.getLogger(ACCESS_JSON);
    access.setAdditive(false);
    access.addAppender(console(context, "ACCESS_JSON", json));
    context.getLogger("org.xnio").setLevel(Level.WARN);
    context.getLogger("io.undertow").setLevel(Level.WARN);
  }

  private static ConsoleAppender<ILoggingEvent> console(LoggerContext context, String name,
      Encoder<ILoggingEvent> encoder) {
    encoder.setContext(context);
    encoder.start();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName(name);
    appender.setEncoder(encoder);
    appender.start();
    return appender;
  }
}
