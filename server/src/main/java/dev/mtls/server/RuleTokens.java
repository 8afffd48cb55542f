package dev.mtls.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Splits one line of a rules file into whitespace-separated tokens; {@code "..."} quotes, {@code #} comments. */
final class RuleTokens {
  /** A role name: letters, digits, '_', '.', '-'. */
  static final Pattern ROLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

  private RuleTokens() {}

  /** The text of a rules file, or a one-line {@link ConfigException} naming it. */
  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": file not found");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  static List<String> split(String line, String source, int number) {
    List<String> tokens = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean inToken = false;
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '\\' && i + 1 < line.length() && (line.charAt(i + 1) == '"' || line.charAt(i + 1) == '\\')) {
          // Keep the backslash before a star-escape meaningful to Glob: only quote and backslash are unescaped.
          char next = line.charAt(++i);
          current.append(next == '\\' ? "\\\\" : "\"");
        } else if (c == '"') {
          quoted = false;
        } else {
          current.append(c);
        }
      } else if (c == '"') {
        quoted = true;
        inToken = true;
      } else if (c == '#' && !inToken) {
        break;
      } else if (Character.isWhitespace(c)) {
        if (inToken) {
          tokens.add(current.toString());
          current.setLength(0);
          inToken = false;
        }
      } else if (Character.isISOControl(c)) {
        throw RoleRules.error(source, number, "control character U+" + String.format("%04X", (int) c)
            + " in rule");
      } else {
        current.append(c);
        inToken = true;
      }
    }
    if (quoted) {
      throw RoleRules.error(source, number, "unterminated quote");
    }
    if (inToken) {
      tokens.add(current.toString());
    }
    return tokens;
  }
}
