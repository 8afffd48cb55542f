package dev.mtls.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * The events of one logger, for the few tests whose subject is the log itself (the access log's format, a
 * refusal flood summed up in one line). Everything else decides on typed events ({@link Recorder}).
 */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(String loggerName) {
    this.logger = logback().getLogger(loggerName);
    appender.start();
    logger.addAppender(appender);
  }

  /**
   * Logback's context, once SLF4J has bound it: while another thread of a parallel test run is still binding, SLF4J
   * hands out stand-in loggers that take no appender.
   */
  private static LoggerContext logback() {
    return (LoggerContext) Eventually.within(Eventually.DEFAULT).await("SLF4J bound to logback",
        LoggerFactory::getILoggerFactory, factory -> factory instanceof LoggerContext);
  }

  public static LogCapture of(String loggerName) {
    return new LogCapture(loggerName);
  }

  public static LogCapture of(Class<?> type) {
    return of(type.getName());
  }

  public List<ILoggingEvent> events() {
    synchronized (appender.list) {
      return List.copyOf(appender.list);
    }
  }

  public List<String> messages(Level level) {
    return events().stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
  }

  /** The messages at {@code level} matching {@code condition}, waiting for the first: loggers run on I/O threads. */
  public List<String> await(Level level, Predicate<String> condition) {
    return Eventually.within(Eventually.DEFAULT).await("a " + level + " line matching the condition in "
        + logger.getName(), () -> messages(level).stream().filter(condition).toList(), found -> !found.isEmpty());
  }

  public void clear() {
    synchronized (appender.list) {
      appender.list.clear();
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
