package dev.mtls.server.internal.identity;

import java.util.ArrayList;
import java.util.List;

/**
 * A pattern with stars, for one kind of value. For text (DN attribute values, e-mail) {@code *} matches any run of
 * characters; for a DNS name it matches within one label (so {@code *.example.org} matches {@code a.example.org},
 * not {@code a.b.example.org}); for a URI it matches within one path segment and {@code **} across segments (the
 * convention of ghostunnel's URI globs). {@code \*} is a literal star. A rules author writes no regular expression,
 * and a pattern only ever sees one value: it cannot match across the structure of a DN.
 *
 * <p>Matching takes time proportional to the pattern's length times the value's, whatever both hold: the value comes
 * from a client's certificate, and a backtracking matcher (a regular expression) takes exponential time for some
 * patterns with several stars.
 */
final class Glob {
  enum Kind { TEXT, DNS, URI }

  /** One step of a pattern: a literal character, or a star of one of three reaches. */
  private record Step(char literal, Reach reach) {}

  private enum Reach {
    /** Zero or more of any character (text). */
    ANY,
    /** One or more characters other than {@link #stop} (a DNS label, a URI segment). */
    WITHIN,
    /** One or more of any character (a URI's {@code **}). */
    ACROSS
  }

  private final String pattern;
  private final String literal;
  private final boolean hasStar;
  private final List<Step> steps;
  private final char stop;
  private final boolean ignoreCase;

  private Glob(String pattern, String literal, boolean hasStar, List<Step> steps, char stop, boolean ignoreCase) {
    this.pattern = pattern;
    this.literal = literal;
    this.hasStar = hasStar;
    this.steps = steps;
    this.stop = stop;
    this.ignoreCase = ignoreCase;
  }

  static Glob of(String pattern, Kind kind) {
    List<Step> steps = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    boolean hasStar = false;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length() && (pattern.charAt(i + 1) == '*' || pattern.charAt(i + 1) == '\\')) {
        char escaped = pattern.charAt(++i);
        steps.add(new Step(escaped, null));
        literal.append(escaped);
      } else if (c == '*') {
        hasStar = true;
        boolean across = kind == Kind.URI && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*';
        if (across) {
          i++;
        }
        steps.add(new Step('*', switch (kind) {
          case TEXT -> Reach.ANY;
          case DNS -> Reach.WITHIN;
          case URI -> across ? Reach.ACROSS : Reach.WITHIN;
        }));
      } else {
        steps.add(new Step(c, null));
        literal.append(c);
      }
    }
    return new Glob(pattern, literal.toString(), hasStar, List.copyOf(steps), kind == Kind.DNS ? '.' : '/',
        kind == Kind.DNS);
  }

  boolean hasStar() {
    return hasStar;
  }

  /** The pattern without escapes, when it has no star. */
  String literal() {
    return literal;
  }

  /**
   * Whether the whole of {@code value} matches: the set of positions in {@code value} the steps so far can end at,
   * carried step by step (a finite automaton's walk, without backtracking).
   */
  boolean matches(String value) {
    int n = value.length();
    boolean[] at = new boolean[n + 1];
    at[0] = true;
    for (Step step : steps) {
      boolean[] next = new boolean[n + 1];
      if (step.reach() == null) {
        for (int p = 0; p < n; p++) {
          next[p + 1] = at[p] && same(value.charAt(p), step.literal());
        }
      } else if (step.reach() == Reach.ANY) {
        next[0] = at[0];
        for (int q = 1; q <= n; q++) {
          next[q] = at[q] || next[q - 1];
        }
      } else {
        // One or more characters: q is reachable when a run that started at a reachable p < q got here unbroken.
        boolean run = false;
        for (int q = 1; q <= n; q++) {
          run = (at[q - 1] || run) && (step.reach() == Reach.ACROSS || value.charAt(q - 1) != stop);
          next[q] = run;
        }
      }
      at = next;
    }
    return at[n];
  }

  private boolean same(char a, char b) {
    return a == b || (ignoreCase && (Character.toUpperCase(a) == Character.toUpperCase(b)
        || Character.toLowerCase(a) == Character.toLowerCase(b)));
  }

  @Override
  public String toString() {
    return pattern;
  }
}
