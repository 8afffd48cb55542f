package dev.mtls.server.internal.rules;

import dev.mtls.server.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The one reader of rules files (role rules, route rules): whitespace-separated tokens, one rule per line,
 * {@code #} comments, {@code "..."} quotes. Each kind of rules gives meaning to the tokens; every error names the
 * file and the line.
 */
public final class RuleLines {
  /** A role name: letters, digits, '_', '.', '-'. */
  public static final Pattern ROLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

  /** One rule: its tokens and where it stands. */
  public record Line(String source, int number, List<String> tokens) {
    /** A one-line error at this rule: {@code roles.conf:7: problem}. */
    public ConfigException error(String problem) {
      return RuleLines.error(source, number, problem);
    }
  }

  private RuleLines() {}

  /** The rules of a file, or a one-line {@link ConfigException} naming it. */
  public static List<Line> read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": file not found");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** The rules of {@code text}, blank and comment lines left out; {@code source} names it in errors. */
  public static List<Line> parse(String text, String source) {
    List<Line> rules = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      List<String> tokens = split(lines[i], source, i + 1);
      if (!tokens.isEmpty()) {
        rules.add(new Line(source, i + 1, List.copyOf(tokens)));
      }
    }
    return rules;
  }

  public static ConfigException error(String source, int line, String problem) {
    return new ConfigException(source + ":" + line + ": " + problem);
  }

  private static List<String> split(String line, String source, int number) {
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
        throw error(source, number, "control character U+" + String.format("%04X", (int) c) + " in rule");
      } else {
        current.append(c);
        inToken = true;
      }
    }
    if (quoted) {
      throw error(source, number, "unterminated quote");
    }
    if (inToken) {
      tokens.add(current.toString());
    }
    return tokens;
  }
}
