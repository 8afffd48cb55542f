package dev.mtls.pki.material;

/**
 * Makes text from certificates safe to print in a log line or a terminal. A subject is attacker-chosen:
 * a CN with a newline forges a log line, one with ESC rewrites a terminal, one with U+202E reverses what
 * a reader sees. Every such code point becomes a visible {@code \\uXXXX} escape; the text stays readable.
 */
public final class SafeText {
  private SafeText() {}

  public static String escape(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (needsEscape(c)) {
        if (out == null) {
          out = new StringBuilder(text.length() + 16).append(text, 0, i);
        }
        out.append(String.format("\\u%04X", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  private static boolean needsEscape(char c) {
    return c < 0x20
        || (c >= 0x7F && c <= 0x9F)
        || c == '\u2028' || c == '\u2029'
        || (c >= '\u200B' && c <= '\u200F')
        || (c >= '\u202A' && c <= '\u202E')
        || (c >= '\u2066' && c <= '\u2069')
        || c == '\uFEFF';
  }
}
