package dev.mtls.server.app;

import dev.mtls.pki.material.SafeText;

/** HTML escaping for text from certificates: markup characters become entities, control characters visible. */
final class Html {
  private Html() {}

  static String escape(String text) {
    String safe = SafeText.escape(text);
    StringBuilder out = new StringBuilder(safe.length() + 16);
    for (int i = 0; i < safe.length(); i++) {
      char c = safe.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
