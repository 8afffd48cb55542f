package dev.mtls.server;

import dev.mtls.pki.material.SafeText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A route's path: literal segments, {@code {name}} for exactly one non-empty segment (captured under that name),
 * and a final {@code **} for any remainder (zero or more segments). {@code /api/orders/{id}}, {@code /static/**}.
 * When several patterns match a path, the more specific wins: at the first segment where they differ, a literal
 * beats a {@code {name}}, which beats {@code **}.
 */
public final class PathPattern implements Comparable<PathPattern> {
  private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._~!$&'()+,;=:@-]+");
  private static final Pattern NAME = Pattern.compile("\\{([A-Za-z][A-Za-z0-9_]*)}");

  private enum Kind { LITERAL, PARAMETER, REST }

  private record Segment(Kind kind, String text) {}

  private final String text;
  private final List<Segment> segments;

  private PathPattern(String text, List<Segment> segments) {
    this.text = text;
    this.segments = segments;
  }

  /** Parses a pattern; throws {@link IllegalArgumentException} saying what is wrong with it. */
  public static PathPattern of(String text) {
    if (!text.startsWith("/")) {
      throw new IllegalArgumentException("invalid path '" + SafeText.escape(text) + "': it must start with '/'");
    }
    List<Segment> segments = new ArrayList<>();
    String[] parts = text.substring(1).split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (part.isEmpty() && parts.length == 1) {
        break;
      }
      if (part.equals("**")) {
        if (i != parts.length - 1) {
          throw new IllegalArgumentException("invalid path '" + SafeText.escape(text) + "': '**' must be the last"
              + " segment");
        }
        segments.add(new Segment(Kind.REST, part));
      } else if (NAME.matcher(part).matches()) {
        segments.add(new Segment(Kind.PARAMETER, part.substring(1, part.length() - 1)));
      } else if (LITERAL.matcher(part).matches()) {
        segments.add(new Segment(Kind.LITERAL, part));
      } else {
        throw new IllegalArgumentException("invalid path '" + SafeText.escape(text) + "': segment '"
            + SafeText.escape(part) + "' is neither a literal, a {name} nor a final **");
      }
    }
    return new PathPattern(text, List.copyOf(segments));
  }

  /** The captured {@code {name}} values when {@code path} matches; empty when it does not. */
  public Optional<Map<String, String>> match(String path) {
    if (!path.startsWith("/")) {
      return Optional.empty();
    }
    String[] parts = path.length() == 1 ? new String[0] : path.substring(1).split("/", -1);
    Map<String, String> parameters = new LinkedHashMap<>();
    for (int i = 0; i < segments.size(); i++) {
      Segment segment = segments.get(i);
      if (segment.kind() == Kind.REST) {
        return Optional.of(parameters);
      }
      if (i >= parts.length) {
        return Optional.empty();
      }
      String part = parts[i];
      if (segment.kind() == Kind.LITERAL && !segment.text().equals(part)) {
        return Optional.empty();
      }
      if (segment.kind() == Kind.PARAMETER) {
        if (part.isEmpty()) {
          return Optional.empty();
        }
        parameters.put(segment.text(), part);
      }
    }
    return parts.length == segments.size() ? Optional.of(parameters) : Optional.empty();
  }

  /** More specific first. */
  @Override
  public int compareTo(PathPattern other) {
    for (int i = 0; i < Math.min(segments.size(), other.segments.size()); i++) {
      int byKind = segments.get(i).kind().compareTo(other.segments.get(i).kind());
      if (byKind != 0) {
        return byKind;
      }
    }
    if (segments.size() == other.segments.size()) {
      return 0;
    }
    // One is the other plus more segments: "/a" is more specific than "/a/**", "/a/b" than "/a".
    PathPattern longer = segments.size() > other.segments.size() ? this : other;
    boolean longerEndsInRest = longer.segments.get(Math.min(segments.size(), other.segments.size())).kind()
        == Kind.REST;
    int longerFirst = longer == this ? -1 : 1;
    return longerEndsInRest ? -longerFirst : longerFirst;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PathPattern that && text.equals(that.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
