package dev.mtls.pki.material.settings;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a setting's value is: how it is written ({@link #label()}, for help and documentation), how text becomes a
 * value, how a value is written back, and which values are valid. Errors say what is expected, never only that
 * something is wrong.
 *
 * @param <T> the type of the value
 */
public final class ValueType<T> {
  private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("([0-9]{1,10})([kmg]?)");

  /** Reads text, resolving relative paths against a base directory (null: the working directory). */
  @FunctionalInterface
  public interface Reader<T> {
    T read(String text, Path base);
  }

  private final String label;
  private final Reader<T> reader;
  private final Function<T, String> writer;
  private final Predicate<T> valid;
  private final String requirement;
  private final boolean repeatable;
  private final String flagValue;

  private ValueType(String label, Reader<T> reader, Function<T, String> writer, Predicate<T> valid,
      String requirement) {
    this(label, reader, writer, valid, requirement, false, null);
  }

  private ValueType(String label, Reader<T> reader, Function<T, String> writer, Predicate<T> valid,
      String requirement, boolean repeatable, String flagValue) {
    this.label = label;
    this.reader = reader;
    this.writer = writer;
    this.valid = valid;
    this.requirement = requirement;
    this.repeatable = repeatable;
    this.flagValue = flagValue;
  }

  /** What an option given without a value means ({@code on} for on/off), or null when it needs a value. */
  public String flagValue() {
    return flagValue;
  }

  /** Whether a value is a comma-separated list: a command line may then give the option more than once. */
  public boolean repeatable() {
    return repeatable;
  }

  /** How a value is written, for help and documentation: {@code DURATION}, {@code required|requested}, ... */
  public String label() {
    return label;
  }

  public String format(T value) {
    return writer.apply(value);
  }

  /** Reads {@code text}, and checks the value; the error says what is expected. */
  public T parse(String text, Path base) {
    T value = reader.read(text, base);
    if (!valid.test(value)) {
      throw new IllegalArgumentException(requirement);
    }
    return value;
  }

  T check(String key, T value) {
    Objects.requireNonNull(value, key + " == null");
    if (!valid.test(value)) {
      throw new IllegalArgumentException(key + " " + requirement + ": " + writer.apply(value));
    }
    return value;
  }

  /** This type, valid only where {@code condition} holds; {@code requirement} says what a value must be. */
  public ValueType<T> where(Predicate<T> condition, String requirement) {
    return new ValueType<>(label, reader, writer, valid.and(condition), requirement, repeatable, flagValue);
  }

  /**
   * A type of the setting's own: {@code reader} throws an {@link IllegalArgumentException} that says what is wrong,
   * {@code writer} writes a value back as a user would.
   */
  public static <T> ValueType<T> custom(String label, Reader<T> reader, Function<T, String> writer) {
    return new ValueType<>(label, reader, writer, value -> true, "");
  }

  /** {@code 500ms}, {@code 30s}, {@code 15m}, {@code 1h}, {@code 1d}, {@code 0}, or ISO-8601 ({@code PT15M}). */
  public static ValueType<Duration> duration() {
    return new ValueType<>("DURATION", (text, base) -> readDuration(text), ValueType::writeDuration,
        duration -> !duration.isNegative(), "must be a duration of 0 or more, such as 10s");
  }

  /** A duration above zero. */
  public static ValueType<Duration> positiveDuration() {
    return duration().where(duration -> !duration.isZero(), "must be a positive duration, such as 2s");
  }

  /** A whole number of at least {@code minimum}. */
  public static ValueType<Integer> count(int minimum) {
    return new ValueType<>("N", (text, base) -> (int) readSize(text, false), String::valueOf, n -> n >= minimum,
        "must be at least " + minimum);
  }

  /** A number of bytes of at least {@code minimum}: {@code 32k}, {@code 1m}, {@code 1g} (binary: 1k = 1024). */
  public static ValueType<Long> size(long minimum) {
    return new ValueType<>("SIZE", (text, base) -> readSize(text, true), ValueType::writeSize, n -> n >= minimum,
        "must be at least " + minimum);
  }

  /** A TCP port: 0 picks a free one; with {@code allowOff}, -1 turns the listener off. */
  public static ValueType<Integer> port(boolean allowOff) {
    int lowest = allowOff ? -1 : 0;
    return new ValueType<>("PORT", (text, base) -> {
      try {
        return Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(portRange(allowOff));
      }
    }, String::valueOf, port -> port >= lowest && port <= 65535, portRange(allowOff));
  }

  private static String portRange(boolean allowOff) {
    return "expected a port number (0-65535" + (allowOff ? ", or -1 for off" : "") + ")";
  }

  /** One of the constants of {@code type}, written as {@code name}s them (case does not matter on input). */
  public static <E extends Enum<E>> ValueType<E> choice(Class<E> type, Function<E, String> name) {
    List<E> constants = Arrays.asList(type.getEnumConstants());
    String expected = "expected " + String.join(" or ", constants.stream().map(name).toList());
    return new ValueType<>(constants.stream().map(name).collect(Collectors.joining("|")), (text, base) -> {
      for (E constant : constants) {
        if (name.apply(constant).equalsIgnoreCase(text)) {
          return constant;
        }
      }
      throw new IllegalArgumentException(expected);
    }, name, constant -> true, expected);
  }

  /** The lower-case name of an enum constant, {@code _} as {@code -}: HARD_FAIL is written hard-fail. */
  public static <E extends Enum<E>> ValueType<E> choice(Class<E> type) {
    return choice(type, constant -> constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
  }

  /** {@code on} or {@code off}. */
  public static ValueType<Boolean> onOff() {
    return new ValueType<>("on|off", (text, base) -> switch (text.toLowerCase(Locale.ROOT)) {
      case "on" -> true;
      case "off" -> false;
      default -> throw new IllegalArgumentException("expected on or off");
    }, on -> on ? "on" : "off", on -> true, "expected on or off", false, "on");
  }

  /** Text as it is written; {@code label} names what it is (ADDRESS, ALIAS, VARIABLE...). */
  public static ValueType<String> text(String label) {
    return new ValueType<>(label, (text, base) -> text, Function.identity(), text -> !text.isEmpty(),
        "must not be empty");
  }

  /** A file; a relative path is relative to the configuration file's directory. */
  public static ValueType<Path> path(String label) {
    return new ValueType<>(label, (text, base) -> {
      Path path;
      try {
        path = Path.of(text);
      } catch (InvalidPathException e) {
        // The JDK's message repeats the input, control characters and all; the caller quotes it escaped.
        throw new IllegalArgumentException("is not a path here: " + e.getReason());
      }
      return base == null || path.isAbsolute() ? path : base.resolve(path).normalize();
    }, Path::toString, path -> !path.toString().isEmpty(), "must not be empty");
  }

  /** A URL (whose scheme the setting's user checks). */
  public static ValueType<URI> url() {
    return new ValueType<>("URL", (text, base) -> {
      try {
        return new URI(text);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("is not a URL: " + e.getReason() + " at index " + e.getIndex());
      }
    }, URI::toString, uri -> true, "");
  }

  /** Several values of {@code element}, comma-separated; empty items are left out. */
  public static <E> ValueType<List<E>> list(ValueType<E> element) {
    return new ValueType<>(element.label + "[,...]", (text, base) -> {
      List<E> values = new ArrayList<>();
      for (String item : text.split(",")) {
        if (!item.isBlank()) {
          values.add(element.parse(item.strip(), base));
        }
      }
      return List.copyOf(values);
    }, values -> values.stream().map(element::format).collect(Collectors.joining(", ")),
        values -> values.stream().allMatch(element.valid), element.requirement, true, null);
  }

  private static Duration readDuration(String text) {
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Matcher matcher = DURATION.matcher(text);
    if (matcher.matches()) {
      try {
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        };
      } catch (NumberFormatException | ArithmeticException e) {
        throw new IllegalArgumentException("is too long a duration to hold; expected one such as 500ms, 30s, 15m,"
            + " 1h or 1d");
      }
    }
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("expected a duration such as 500ms, 30s, 15m, 1h or 1d");
    }
  }

  private static String writeDuration(Duration duration) {
    if (duration.isZero()) {
      return "0";
    }
    long millis = duration.toMillis();
    for (Object[] unit : new Object[][] {{86_400_000L, "d"}, {3_600_000L, "h"}, {60_000L, "m"}, {1000L, "s"}}) {
      if (millis % (Long) unit[0] == 0) {
        return millis / (Long) unit[0] + (String) unit[1];
      }
    }
    return millis + "ms";
  }

  private static long readSize(String text, boolean units) {
    Matcher matcher = SIZE.matcher(text.toLowerCase(Locale.ROOT));
    if (matcher.matches() && (units || matcher.group(2).isEmpty())) {
      long amount = Long.parseLong(matcher.group(1));
      int shift = switch (matcher.group(2)) {
        case "k" -> 10;
        case "m" -> 20;
        case "g" -> 30;
        default -> 0;
      };
      if (amount <= Integer.MAX_VALUE) {
        return amount << shift;
      }
    }
    throw new IllegalArgumentException(units ? "expected a size: a number of bytes, or with k, m or g (e.g. 32k)"
        : "expected a whole number");
  }

  private static String writeSize(long bytes) {
    for (Object[] unit : new Object[][] {{1L << 30, "g"}, {1L << 20, "m"}, {1L << 10, "k"}}) {
      if (bytes != 0 && bytes % (Long) unit[0] == 0) {
        return bytes / (Long) unit[0] + (String) unit[1];
      }
    }
    return String.valueOf(bytes);
  }
}
