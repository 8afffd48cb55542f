package dev.mtls.server.internal.identity;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.Fingerprint;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.SubjectAltName;
import dev.mtls.server.ClientIdentity;
import dev.mtls.server.internal.rules.RuleLines;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;

/**
 * One condition of a role rule, {@code SELECTOR=PATTERN}, decided structurally: on one attribute of the parsed
 * subject or issuer, on the subject alternative names of one kind, or on the trust anchor the path was validated to,
 * compared by key. See {@link dev.mtls.server.RoleRules} for the syntax.
 */
public final class RoleCondition {
  /** The subject and issuer attributes a rule may name. */
  public static final List<String> ATTRIBUTES =
      List.of("CN", "OU", "O", "L", "ST", "C", "DC", "UID", "SERIALNUMBER", "EMAILADDRESS", "STREET", "T");
  private static final List<String> SAN_TYPES = List.of("dns", "ip", "email", "uri");

  private final String selector;
  private final String attribute;
  private final SubjectAltName.Type altNameType;
  private final Glob pattern;
  private final InetAddress address;
  private final X500Principal anchorName;
  private final String anchorKey;

  private RoleCondition(String selector, String attribute, SubjectAltName.Type altNameType, Glob pattern,
      InetAddress address, X500Principal anchorName, String anchorKey) {
    this.selector = selector;
    this.attribute = attribute;
    this.altNameType = altNameType;
    this.pattern = pattern;
    this.address = address;
    this.anchorName = anchorName;
    this.anchorKey = anchorKey;
  }

  /** Whether {@code identity}, whose path was validated to {@code anchor}, one of {@code anchors}, meets this. */
  public boolean holds(ClientIdentity identity, X509Certificate anchor, List<X509Certificate> anchors) {
    if (selector.equals("anchor")) {
      String key = anchorKey != null ? anchorKey : keyOfOnlyAnchorNamed(anchorName, anchors);
      return key != null && anchor != null && key.equals(Fingerprint.publicKeySha256(anchor));
    }
    if (altNameType == null) {
      DistinguishedName name = selector.equals("subject") ? identity.subject() : identity.issuer();
      return name.values(attribute).stream().anyMatch(pattern::matches);
    }
    List<String> values = identity.altNames(altNameType);
    if (address != null) {
      return values.stream().anyMatch(value -> address.equals(ipLiteral(value)));
    }
    if (altNameType == SubjectAltName.Type.URI) {
      return !SpiffeId.tooManyForAnSvid(values)
          && values.stream().filter(RoleCondition::plainUri).anyMatch(pattern::matches);
    }
    return values.stream().anyMatch(pattern::matches);
  }

  public boolean namesAnchor() {
    return selector.equals("anchor");
  }

  /**
   * Why this condition cannot hold with {@code anchors}, or null: an anchor name that matches no configured anchor
   * or several, a key fingerprint of no configured anchor.
   */
  public String problemWith(List<X509Certificate> anchors) {
    if (anchorName != null) {
      long named = anchors.stream().filter(a -> a.getSubjectX500Principal().equals(anchorName)).count();
      return named == 1 ? null : this + (named == 0 ? " is not a configured trust anchor"
          : " names " + named + " configured trust anchors; use anchor.sha256= with the key fingerprint");
    }
    if (anchorKey != null && anchors.stream().noneMatch(a -> Fingerprint.publicKeySha256(a).equals(anchorKey))) {
      return this + " is the key of no configured trust anchor";
    }
    return null;
  }

  /** The condition as written, escaped: warnings and errors quote it (a quoted pattern may hold any character). */
  @Override
  public String toString() {
    if (selector.equals("anchor")) {
      return anchorKey != null ? "anchor.sha256=" + anchorKey : "anchor=\"" + SafeText.escape(anchorName.getName())
          + "\"";
    }
    return selector + "." + (altNameType == null ? attribute : altNameType.name().toLowerCase(Locale.ROOT)) + "="
        + SafeText.escape(pattern.toString());
  }

  /** Parses {@code token} of {@code line}; errors name the file, the line and what is wrong. */
  public static RoleCondition parse(String token, RuleLines.Line line) {
    int equals = token.indexOf('=');
    if (equals < 0) {
      throw line.error("expected SELECTOR=PATTERN but found '" + SafeText.escape(token) + "'");
    }
    String selector = token.substring(0, equals);
    String pattern = token.substring(equals + 1);
    int dot = selector.indexOf('.');
    String scope = dot < 0 ? selector : selector.substring(0, dot);
    String what = dot < 0 ? "" : selector.substring(dot + 1);
    if (pattern.isEmpty()) {
      throw line.error("empty pattern for '" + SafeText.escape(selector) + "'");
    }
    return switch (scope) {
      case "subject", "issuer" -> name(scope, what, pattern, line);
      case "san" -> altName(what, pattern, line);
      case "anchor" -> anchor(selector, what, pattern, line);
      default -> throw line.error("unknown selector '" + SafeText.escape(selector)
          + "'; expected subject.ATTR, issuer.ATTR, san.dns|ip|email|uri, anchor or anchor.sha256");
    };
  }

  private static RoleCondition name(String scope, String what, String pattern, RuleLines.Line line) {
    String attribute = what.toUpperCase(Locale.ROOT);
    if (!ATTRIBUTES.contains(attribute)) {
      throw line.error("unknown attribute '" + SafeText.escape(what) + "'; expected one of "
          + String.join(", ", ATTRIBUTES));
    }
    return new RoleCondition(scope, attribute, null, Glob.of(pattern, Glob.Kind.TEXT), null, null, null);
  }

  private static RoleCondition altName(String what, String pattern, RuleLines.Line line) {
    String type = what.toLowerCase(Locale.ROOT);
    if (!SAN_TYPES.contains(type)) {
      throw line.error("unknown alternative name type '" + SafeText.escape(what) + "'; expected one of "
          + String.join(", ", SAN_TYPES));
    }
    SubjectAltName.Type altNameType = SubjectAltName.Type.valueOf(type.toUpperCase(Locale.ROOT));
    Glob glob = Glob.of(pattern, switch (altNameType) {
      case DNS -> Glob.Kind.DNS;
      case URI -> Glob.Kind.URI;
      default -> Glob.Kind.TEXT;
    });
    if (altNameType == SubjectAltName.Type.URI && !glob.hasStar() && !plainUri(glob.literal())) {
      throw line.error("'" + SafeText.escape(pattern) + "' is not a plain URI (a spiffe: URI must be a valid SPIFFE"
          + " ID; no dot or empty segments, percent-encoding, query or fragment)");
    }
    InetAddress address = null;
    if (altNameType == SubjectAltName.Type.IP) {
      address = glob.hasStar() ? null : ipLiteral(glob.literal());
      if (address == null) {
        throw line.error("'" + SafeText.escape(pattern) + "' is not an IP address; san.ip takes one literal"
            + " address, no glob");
      }
    }
    return new RoleCondition("san", null, altNameType, glob, address, null, null);
  }

  private static RoleCondition anchor(String selector, String what, String pattern, RuleLines.Line line) {
    if (what.isEmpty()) {
      try {
        return new RoleCondition("anchor", null, null, null, null, new X500Principal(pattern), null);
      } catch (IllegalArgumentException e) {
        throw line.error("'" + SafeText.escape(pattern) + "' is not a distinguished name (e.g."
            + " anchor=\"CN=Demo Root CA,O=Demo\")");
      }
    }
    if (!what.equalsIgnoreCase("sha256")) {
      throw line.error("unknown anchor selector '" + SafeText.escape(selector)
          + "'; expected anchor=DN or anchor.sha256=FINGERPRINT");
    }
    try {
      return new RoleCondition("anchor", null, null, null, null, null, Fingerprint.parse(pattern));
    } catch (IllegalArgumentException e) {
      throw line.error(e.getMessage());
    }
  }

  private static String keyOfOnlyAnchorNamed(X500Principal name, List<X509Certificate> anchors) {
    String key = null;
    for (X509Certificate anchor : anchors) {
      if (anchor.getSubjectX500Principal().equals(name)) {
        if (key != null) {
          return null;
        }
        key = Fingerprint.publicKeySha256(anchor);
      }
    }
    return key;
  }

  /**
   * Whether a URI alternative name may be matched at all: a SPIFFE ID must be valid; no URI may carry dot or
   * empty path segments, percent-encoding, a query or a fragment (each a way to look like another path).
   */
  static boolean plainUri(String uri) {
    if (SpiffeId.claims(uri)) {
      return SpiffeId.isValid(uri);
    }
    return uri.indexOf('%') < 0 && uri.indexOf('?') < 0 && uri.indexOf('#') < 0
        && !SubjectAltName.hasDotOrEmptySegments(uri);
  }

  /** An IPv4 or IPv6 literal, never a DNS lookup; null when {@code text} is not one. */
  static InetAddress ipLiteral(String text) {
    boolean ipv4 = text.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    boolean ipv6 = text.contains(":") && text.matches("[0-9A-Fa-f:.]+");
    if (!ipv4 && !ipv6) {
      return null;
    }
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
