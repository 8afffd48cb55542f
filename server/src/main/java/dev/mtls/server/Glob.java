package dev.mtls.server;

/**
 * A pattern where {@code *} matches any run of characters (including none) and {@code \*} a literal star.
 * Deliberately not a regular expression: a rules file author cannot write one that matches across the
 * structure of a DN, because patterns only ever see one attribute value.
 */
final class Glob {
  private final String pattern;
  // Literal pieces between stars; pieces[0] is anchored at the start, the last at the end.
  private final String[] pieces;
  private final boolean hasStar;
  private final boolean ignoreCase;

  private Glob(String pattern, String[] pieces, boolean hasStar, boolean ignoreCase) {
    this.pattern = pattern;
    this.pieces = pieces;
    this.hasStar = hasStar;
    this.ignoreCase = ignoreCase;
  }

  static Glob of(String pattern, boolean ignoreCase) {
    java.util.List<String> pieces = new java.util.ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean hasStar = false;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length() && (pattern.charAt(i + 1) == '*' || pattern.charAt(i + 1) == '\\')) {
        current.append(pattern.charAt(++i));
      } else if (c == '*') {
        pieces.add(current.toString());
        current.setLength(0);
        hasStar = true;
      } else {
        current.append(c);
      }
    }
    pieces.add(current.toString());
    return new Glob(pattern, pieces.toArray(new String[0]), hasStar, ignoreCase);
  }

  boolean hasStar() {
    return hasStar;
  }

  /** The pattern without escapes, when it has no star. */
  String literal() {
    return pieces[0];
  }

  boolean matches(String value) {
    String text = ignoreCase ? value.toLowerCase(java.util.Locale.ROOT) : value;
    String[] parts = pieces;
    if (ignoreCase) {
      parts = new String[pieces.length];
      for (int i = 0; i < pieces.length; i++) {
        parts[i] = pieces[i].toLowerCase(java.util.Locale.ROOT);
      }
    }
    if (!hasStar) {
      return text.equals(parts[0]);
    }
    String first = parts[0];
    String last = parts[parts.length - 1];
    if (text.length() < first.length() + last.length() || !text.startsWith(first) || !text.endsWith(last)) {
      return false;
    }
    int position = first.length();
    int end = text.length() - last.length();
    for (int i = 1; i < parts.length - 1; i++) {
      int found = text.indexOf(parts[i], position);
      if (found < 0 || found + parts[i].length() > end) {
        return false;
      }
      position = found + parts[i].length();
    }
    return true;
  }

  @Override
  public String toString() {
    return pattern;
  }
}
