package dev.mtls.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/** Collects the events of one logger for a test. */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  LogCapture(String loggerName) {
    this.logger = (Logger) LoggerFactory.getLogger(loggerName);
    appender.start();
    logger.addAppender(appender);
  }

  static LogCapture of(Class<?> type) {
    return new LogCapture(type.getName());
  }

  List<ILoggingEvent> events() {
    synchronized (appender.list) {
      return List.copyOf(appender.list);
    }
  }

  List<String> messages(Level level) {
    return events().stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
  }

  /**
   * Waits until an event matches: the server logs on its own I/O thread, which may finish after the client has
   * already seen the failure. Returns all matching messages; fails after five seconds.
   */
  List<String> await(Level level, Predicate<String> condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      List<String> matching = messages(level).stream().filter(condition).toList();
      if (!matching.isEmpty() || System.nanoTime() > deadline) {
        return matching;
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return matching;
      }
    }
  }

  void clear() {
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
