package dev.mtls.server.internal.observe;

import dev.mtls.pki.material.SafeText;
import dev.mtls.server.AccessLogFormat;
import dev.mtls.server.Caller;
import dev.mtls.server.ServedRequest;
import dev.mtls.server.ServerListener;
import dev.mtls.server.ServerLoggers;
import java.util.Objects;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per request, through logback.
 *
 * <ul>
 *   <li>{@link AccessLogFormat#TEXT} (logger {@value ServerLoggers#ACCESS}):
 *       {@code GET /api/reports 200 3ms protocol=HTTP/2 subject="CN=bob,OU=readers,O=Demo" serial=5f2e roles=[reader]
 *       peer=127.0.0.1:53122}
 *   <li>{@link AccessLogFormat#JSON} (logger {@value ServerLoggers#ACCESS_JSON}): message {@code request} with the same fields as SLF4J
 *       key-value pairs, for logback's {@code JsonEncoder} (the runnable jar's logging routes this logger to it).
 * </ul>
 *
 * Every value that a client controls (subject, path) has its control characters escaped, so a CN with a newline
 * cannot forge a second line.
 */
public final class AccessLog implements ServerListener {
  private final AccessLogFormat format;
  private final Logger logger;

  public AccessLog(AccessLogFormat format) {
    this.format = Objects.requireNonNull(format, "format == null");
    this.logger = LoggerFactory.getLogger(format.logger());
  }

  @Override
  public void served(ServedRequest request) {
    if (format == AccessLogFormat.OFF) {
      return;
    }
    String method = SafeText.escape(request.method());
    String path = SafeText.escape(request.path());
    Caller caller = request.caller();
    String subject = caller == null ? "-" : caller.identity().subject().toDisplayString();
    String serial = caller == null ? "-" : caller.identity().serialHex();
    String roles = caller == null ? "" : String.join(",", new TreeSet<>(caller.roles()));
    long millis = request.duration().toMillis();
    String via = caller == null ? null : caller.forwardedBy().map(proxy -> proxy.subject().toDisplayString())
        .orElse(null);
    if (format == AccessLogFormat.TEXT) {
      logger.info("{} {} {} {}ms protocol={} subject=\"{}\" serial={} roles=[{}] peer={}{}", method, path,
          request.status(), millis, request.protocol(), subject, serial, roles, request.peer(),
          via == null ? "" : " via=\"" + via + "\"");
    } else {
      org.slf4j.spi.LoggingEventBuilder entry = logger.atInfo().setMessage("request")
          .addKeyValue("method", method)
          .addKeyValue("path", path)
          .addKeyValue("status", request.status())
          .addKeyValue("durationMs", millis)
          .addKeyValue("protocol", request.protocol())
          .addKeyValue("subject", subject)
          .addKeyValue("serial", serial)
          .addKeyValue("roles", roles)
          .addKeyValue("peer", request.peer());
      if (via != null) {
        entry.addKeyValue("via", via);
      }
      entry.log();
    }
  }
}
