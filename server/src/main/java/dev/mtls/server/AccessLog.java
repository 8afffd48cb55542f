package dev.mtls.server;

import dev.mtls.pki.material.SafeText;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per request, through logback.
 *
 * <ul>
 *   <li>{@link Format#TEXT} (logger {@value #TEXT_LOGGER}):
 *       {@code GET /api/reports 200 3ms subject="CN=bob,OU=readers,O=Demo" serial=5f2e roles=[reader] peer=127.0.0.1:53122}
 *   <li>{@link Format#JSON} (logger {@value #JSON_LOGGER}): message {@code request} with the same fields as SLF4J
 *       key-value pairs, for logback's {@code JsonEncoder} (the shipped logback.xml routes this logger to it).
 * </ul>
 *
 * Every value that a client controls (subject, path) has its control characters escaped, so a CN with a newline
 * cannot forge a second line.
 */
public final class AccessLog {
  public static final String TEXT_LOGGER = "dev.mtls.server.access";
  public static final String JSON_LOGGER = "dev.mtls.server.access-json";

  public enum Format { TEXT, JSON }

  /** One finished request. Subject and serial are null when the client was not identified. */
  public record Entry(String method, String path, int status, long durationMillis, String subject, String serial,
      Set<String> roles, String peer) {}

  private final Format format;
  private final Logger logger;

  public AccessLog(Format format) {
    this.format = Objects.requireNonNull(format, "format == null");
    this.logger = LoggerFactory.getLogger(format == Format.TEXT ? TEXT_LOGGER : JSON_LOGGER);
  }

  public Format format() {
    return format;
  }

  public void log(Entry entry) {
    String method = SafeText.escape(entry.method());
    String path = SafeText.escape(entry.path());
    String subject = entry.subject() == null ? "-" : SafeText.escape(entry.subject());
    String serial = entry.serial() == null ? "-" : entry.serial();
    String roles = String.join(",", new TreeSet<>(entry.roles()));
    if (format == Format.TEXT) {
      logger.info("{} {} {} {}ms subject=\"{}\" serial={} roles=[{}] peer={}", method, path, entry.status(),
          entry.durationMillis(), subject, serial, roles, entry.peer());
    } else {
      logger.atInfo().setMessage("request")
          .addKeyValue("method", method)
          .addKeyValue("path", path)
          .addKeyValue("status", entry.status())
          .addKeyValue("durationMs", entry.durationMillis())
          .addKeyValue("subject", subject)
          .addKeyValue("serial", serial)
          .addKeyValue("roles", roles)
          .addKeyValue("peer", entry.peer())
          .log();
    }
  }
}
