package dev.mtls.server.internal.identity;

import java.util.regex.Pattern;

/**
 * A pattern with stars, for one kind of value. For text (DN attribute values, e-mail) {@code *} matches any run of
 * characters; for a DNS name it matches within one label (so {@code *.example.org} matches {@code a.example.org},
 * not {@code a.b.example.org}); for a URI it matches within one path segment and {@code **} across segments (the
 * convention of ghostunnel's URI globs). {@code \*} is a literal star. A rules author writes no regular expression,
 * and a pattern only ever sees one value: it cannot match across the structure of a DN.
 */
final class Glob {
  enum Kind { TEXT, DNS, URI }

  private final String pattern;
  private final String literal;
  private final boolean hasStar;
  private final Pattern compiled;

  private Glob(String pattern, String literal, boolean hasStar, Pattern compiled) {
    this.pattern = pattern;
    this.literal = literal;
    this.hasStar = hasStar;
    this.compiled = compiled;
  }

  static Glob of(String pattern, Kind kind) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    boolean hasStar = false;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length() && (pattern.charAt(i + 1) == '*' || pattern.charAt(i + 1) == '\\')) {
        char escaped = pattern.charAt(++i);
        regex.append(Pattern.quote(String.valueOf(escaped)));
        literal.append(escaped);
      } else if (c == '*') {
        hasStar = true;
        boolean across = kind == Kind.URI && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*';
        if (across) {
          i++;
        }
        regex.append(switch (kind) {
          case TEXT -> ".*";
          case DNS -> "[^.]+";
          case URI -> across ? ".+" : "[^/]+";
        });
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
        literal.append(c);
      }
    }
    int flags = kind == Kind.DNS ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0;
    return new Glob(pattern, literal.toString(), hasStar, Pattern.compile(regex.toString(), flags | Pattern.DOTALL));
  }

  boolean hasStar() {
    return hasStar;
  }

  /** The pattern without escapes, when it has no star. */
  String literal() {
    return literal;
  }

  boolean matches(String value) {
    return compiled.matcher(value).matches();
  }

  @Override
  public String toString() {
    return pattern;
  }
}
