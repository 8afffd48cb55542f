package dev.mtls.pki.material;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Passwords come from a file, an environment variable or a terminal prompt, never from a command-line
 * argument (visible in {@code ps} and shell history).
 */
public final class Passwords {
  private Passwords() {}

  /** The first line of {@code file}, without its line ending. */
  public static char[] fromFile(Path file) {
    try {
      String content = Files.readString(file, StandardCharsets.UTF_8);
      int end = content.indexOf('\n');
      String line = end < 0 ? content : content.substring(0, end);
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.isEmpty()) {
        throw KeyMaterialException.in(file, "password file is empty");
      }
      return line.toCharArray();
    } catch (NoSuchFileException e) {
      throw KeyMaterialException.in(file, "password file not found");
    } catch (IOException e) {
      throw KeyMaterialException.in(file, "cannot read password file: " + e.getMessage(), e);
    }
  }

  public static char[] fromEnv(String variable) {
    String value = System.getenv(variable);
    if (value == null || value.isEmpty()) {
      throw new KeyMaterialException("environment variable " + variable + " is not set or empty");
    }
    return value.toCharArray();
  }

  /** Asks on the terminal without echo; fails clearly when there is no terminal (CI, pipes). */
  public static char[] prompt(String question) {
    Console console = System.console();
    if (console == null) {
      throw new KeyMaterialException("a password is needed but there is no terminal to ask on; "
          + "use --password-file FILE or --password-env VARIABLE");
    }
    char[] answer = console.readPassword("%s: ", question);
    if (answer == null || answer.length == 0) {
      throw new KeyMaterialException("no password entered");
    }
    return answer;
  }

  /** The first source given: file, then environment variable; else the prompt if {@code question} is set. */
  public static char[] resolve(Path file, String variable, String question) {
    if (file != null) {
      return fromFile(file);
    }
    if (variable != null) {
      return fromEnv(variable);
    }
    return question == null ? null : prompt(question);
  }

  /** Overwrites each password (nulls are skipped): once used, a password should not linger in memory. */
  public static void clear(char[]... passwords) {
    for (char[] password : passwords) {
      if (password != null) {
        Arrays.fill(password, '\0');
      }
    }
  }
}
