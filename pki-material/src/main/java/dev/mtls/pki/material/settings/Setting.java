package dev.mtls.pki.material.settings;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One setting, declared once: its key (the configuration file's {@code key = value} and the command line's
 * {@code --key value}), the type of its value with what is valid, its default and one line of documentation.
 * Builders take their defaults and their checks from it, configuration readers and command lines parse with it,
 * and the configuration reference is generated from it.
 *
 * <pre>{@code
 * public static final Setting<Duration> IDLE_TIMEOUT = Setting.of("idle-timeout", ValueType.positiveDuration(),
 *     Duration.ofSeconds(60), "close a connection without traffic after this");
 * }</pre>
 *
 * @param <T> the type of the value
 */
public final class Setting<T> {
  private final String key;
  private final ValueType<T> type;
  private final T defaultValue;
  private final String defaultText;
  private final String doc;

  private Setting(String key, ValueType<T> type, T defaultValue, String defaultText, String doc) {
    if (!key.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
      throw new IllegalArgumentException("a setting key is lower-case words joined by '-': " + key);
    }
    this.key = key;
    this.type = Objects.requireNonNull(type, "type == null");
    this.defaultValue = defaultValue == null ? null : type.check(key, defaultValue);
    this.defaultText = defaultText;
    this.doc = Objects.requireNonNull(doc, "doc == null");
  }

  /** A setting whose default is {@code defaultValue}. */
  public static <T> Setting<T> of(String key, ValueType<T> type, T defaultValue, String doc) {
    return new Setting<>(key, type, Objects.requireNonNull(defaultValue, "defaultValue == null"), null, doc);
  }

  /** A setting without a default value; {@code unset} says what leaving it out means, e.g. "none: clients connect directly". */
  public static <T> Setting<T> optional(String key, ValueType<T> type, String unset, String doc) {
    return new Setting<>(key, type, null, Objects.requireNonNull(unset, "unset == null"), doc);
  }

  public String key() {
    return key;
  }

  /** The command-line option: {@code --key}. */
  public String option() {
    return "--" + key;
  }

  public ValueType<T> type() {
    return type;
  }

  /** The default value; null for an optional setting. */
  public T defaultValue() {
    return defaultValue;
  }

  /** The default as the documentation shows it: the value in the syntax a user writes, or what leaving it out means. */
  public String defaultText() {
    return defaultText != null ? defaultText : type.format(defaultValue);
  }

  /** One line: what the setting does. */
  public String doc() {
    return doc;
  }

  /**
   * Reads a value written as text; relative paths are resolved against {@code base} (the configuration file's
   * directory; null: the working directory). Throws an {@link IllegalArgumentException} that says what is expected.
   */
  public T parse(String text, Path base) {
    return type.parse(text.strip(), base);
  }

  /**
   * Checks a value given in code, as a builder does: returns it, or throws an {@link IllegalArgumentException} naming
   * this setting, what is wrong and the value.
   */
  public T check(T value) {
    return type.check(key, value);
  }

  @Override
  public String toString() {
    return key;
  }
}
