package dev.mtls.server;

/**
 * The names of the loggers the server writes through SLF4J, for an application's logging configuration: route the
 * access log to its own file, keep refusals at WARN. Everything else the server says (start-up, reloads, shutdown)
 * is under {@code dev.mtls.server}. Every value a client controls is escaped before it reaches a logger.
 */
public final class ServerLoggers {
  /** One line per request in {@link AccessLogFormat#TEXT}. */
  public static final String ACCESS = "dev.mtls.server.access";
  /**
   * One event per request in {@link AccessLogFormat#JSON}: message {@code request} with the fields as SLF4J
   * key-value pairs, for logback's {@code JsonEncoder}.
   */
  public static final String ACCESS_JSON = "dev.mtls.server.access-json";
  /**
   * A WARN line per refused client, at most ten per interval whatever the peers vary, then one line summing up
   * the rest by reason; an INFO line per handshake a client aborted, under a budget of its own.
   */
  public static final String REFUSALS = "dev.mtls.server.refusals";

  private ServerLoggers() {}
}
