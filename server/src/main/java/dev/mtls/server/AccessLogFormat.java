package dev.mtls.server;

/** How the access log writes a request. */
public enum AccessLogFormat {
  /**
   * One line on logger {@value ServerLoggers#ACCESS}, e.g.
   * {@code GET /api/reports 200 3ms protocol=HTTP/2 subject="CN=bob,OU=readers,O=Demo" serial=5f2e roles=[reader] peer=127.0.0.1:53122}.
   */
  TEXT(ServerLoggers.ACCESS),
  /** One event on logger {@value ServerLoggers#ACCESS_JSON}, the same fields as key-value pairs. */
  JSON(ServerLoggers.ACCESS_JSON),
  /**
   * No line: the metrics and the {@link ServerListener} events still count every request. A line costs a keep-alive
   * request about a sixth of its CPU (docs/performance.md).
   */
  OFF(ServerLoggers.ACCESS);

  private final String logger;

  AccessLogFormat(String logger) {
    this.logger = logger;
  }

  /** The name of the logger this format writes to ({@link #OFF}: would write to). */
  public String logger() {
    return logger;
  }
}
