package dev.mtls.testing;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the refusal of bad input must be, checked by the fuzz tests: a message that starts with where the input came
 * from (a file, a file and line, a header), says something after it, and is one line with no control character, so
 * that it can be printed and logged as it is without forging a line.
 */
public final class ClearError {
  private ClearError() {}

  /** What a fuzz target does with one input: reads it, and may throw anything. */
  @FunctionalInterface
  public interface Reading {
    void run() throws Exception;
  }

  /**
   * Runs {@code reading}: it reads its input, or throws a {@code refusal} that {@link #assertClear} accepts; any other
   * exception is the finding, and propagates.
   */
  public static void readsOrRefuses(Class<? extends Exception> refusal, String source, Reading reading)
      throws Exception {
    try {
      reading.run();
    } catch (Exception e) {
      if (!refusal.isInstance(e)) {
        throw e;
      }
      assertClear(e, source);
    }
  }

  /** Asserts that {@code error}'s message names {@code source} first and says what is wrong after it. */
  public static void assertClear(Throwable error, String source) {
    String message = error.getMessage();
    assertThat(message).as("message of %s", error).startsWith(source);
    assertThat(message.substring(source.length()).replaceAll("[\\s:,.'\"]", "")).as("what is wrong, after %s",
        source).hasSizeGreaterThan(5);
    assertThat(message.chars().filter(Character::isISOControl).findFirst()).as("a control character in %s",
        message).isEmpty();
  }
}
