package dev.mtls.server;

/**
 * A configuration or rules file cannot be used. The message is one line that names the file (and the line,
 * for rules files) and what is wrong, so the command line can print it as is.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
