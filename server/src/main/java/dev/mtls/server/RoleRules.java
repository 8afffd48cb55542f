package dev.mtls.server;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.Fingerprint;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.SubjectAltName;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.security.auth.x500.X500Principal;

/**
 * Role rules: which certificates hold which roles. One rule per line:
 *
 * <pre>
 * # ROLE  CONDITION [CONDITION ...]      every condition on the line must hold
 * admin   subject.OU=admins
 * reader  subject.OU=readers
 * reader  san.uri=spiffe://example.org/ns/prod/*   anchor="CN=Demo Root CA,O=Demo"
 * </pre>
 *
 * A condition is {@code SELECTOR=PATTERN}: {@code subject.ATTR} or {@code issuer.ATTR} (ATTR one of
 * {@link #ATTRIBUTES}) holds when any value of that attribute matches; {@code san.dns}, {@code san.ip},
 * {@code san.email}, {@code san.uri} hold when any subject alternative name of that kind matches;
 * {@code anchor=DN} holds when the path was validated to the trust anchor of that name, compared by key: the name
 * is looked up among the configured anchors and the path's anchor must have that anchor's public key, so another
 * anchor with the same name never satisfies it (when two configured anchors share a name, write
 * {@code anchor.sha256=} with the key fingerprint instead; the name then grants nothing). A rule without an anchor
 * condition holds for a certificate from any configured anchor ({@link #warnings} says so when there are several).
 *
 * <p>A pattern is exact, or a glob ({@code \*} is a literal star): in DN attributes and e-mail addresses {@code *}
 * matches any run of characters; in DNS names it matches within one label; in URIs within one path segment, and
 * {@code **} across segments. DNS names compare case-insensitively; IP addresses compare as addresses and take no
 * glob; everything else is case-sensitive. A URI name is matched only when it is plain: a {@code spiffe:} URI must
 * be a valid SPIFFE ID, and no URI may have {@code .} or {@code ..} or empty path segments, percent-encoding, a
 * query or a fragment; a certificate naming such a URI is granted nothing by URI rules.
 * Quote a pattern with {@code "..."} when it holds spaces or starts with {@code #}; inside quotes {@code \"} and
 * {@code \\} escape. Matching is structural, attribute by attribute on the parsed DN: a CN of
 * {@code bob,OU=admins} is one CN value and never satisfies {@code subject.OU=admins}.
 */
public final class RoleRules implements RoleMapper {
  /** The subject and issuer attributes a rule may name. */
  public static final List<String> ATTRIBUTES =
      List.of("CN", "OU", "O", "L", "ST", "C", "DC", "UID", "SERIALNUMBER", "EMAILADDRESS", "STREET", "T");
  private static final List<String> SAN_TYPES = List.of("dns", "ip", "email", "uri");

  private record Condition(String selector, String attribute, SubjectAltName.Type altNameType,
      Glob pattern, InetAddress address, X500Principal anchorName, String anchorKey) {

    boolean holds(ClientIdentity identity, X509Certificate anchor, List<X509Certificate> anchors) {
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
        return values.stream().filter(RoleRules::plainUri).anyMatch(pattern::matches);
      }
      return values.stream().anyMatch(pattern::matches);
    }

    @Override
    public String toString() {
      if (selector.equals("anchor")) {
        return anchorKey != null ? "anchor.sha256=" + anchorKey : "anchor=\"" + anchorName.getName() + "\"";
      }
      return selector + "." + (altNameType == null ? attribute : altNameType.name().toLowerCase()) + "=" + pattern;
    }
  }

  private record Rule(String role, List<Condition> conditions, int line) {
    boolean namesAnchor() {
      return conditions.stream().anyMatch(condition -> condition.selector().equals("anchor"));
    }
  }

  private final List<Rule> rules;
  private final String source;

  private RoleRules(List<Rule> rules, String source) {
    this.rules = rules;
    this.source = source;
  }

  /** Reads and validates a rules file; errors name the file and line. */
  public static RoleRules load(Path file) {
    return parse(RuleTokens.read(file), file.toString());
  }

  /** Parses rules text; {@code source} names it in errors ({@code roles.conf:7: ...}). */
  public static RoleRules parse(String text, String source) {
    List<Rule> rules = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int number = i + 1;
      List<String> tokens = RuleTokens.split(lines[i], source, number);
      if (tokens.isEmpty()) {
        continue;
      }
      String role = tokens.get(0);
      if (!RuleTokens.ROLE.matcher(role).matches()) {
        throw error(source, number, "invalid role name '" + SafeText.escape(role)
            + "'; use letters, digits, '_', '.', '-'");
      }
      if (tokens.size() == 1) {
        throw error(source, number, "role '" + role + "' has no condition; expected e.g. 'subject.OU=admins'");
      }
      List<Condition> conditions = new ArrayList<>();
      for (String token : tokens.subList(1, tokens.size())) {
        conditions.add(condition(token, source, number));
      }
      rules.add(new Rule(role, List.copyOf(conditions), number));
    }
    return new RoleRules(List.copyOf(rules), source);
  }

  @Override
  public Set<String> rolesFor(ClientIdentity identity, X509Certificate anchor, List<X509Certificate> anchors) {
    Set<String> roles = new TreeSet<>();
    for (Rule rule : rules) {
      if (rule.conditions().stream().allMatch(condition -> condition.holds(identity, anchor, anchors))) {
        roles.add(rule.role());
      }
    }
    return Collections.unmodifiableSet(roles);
  }

  /** For rules without anchor conditions: the roles of {@code identity}, whatever anchor its path ends in. */
  Set<String> rolesFor(ClientIdentity identity) {
    return rolesFor(identity, null, List.of());
  }

  /**
   * What an operator should know about these rules with these anchors: rules that name no anchor while several are
   * configured (any of them can issue a certificate that earns the role), and anchor names that match no configured
   * anchor or more than one (such a rule grants nothing).
   */
  public List<String> warnings(List<X509Certificate> anchors) {
    List<String> warnings = new ArrayList<>();
    for (Rule rule : rules) {
      String where = source + ":" + rule.line() + ": role '" + rule.role() + "'";
      if (!rule.namesAnchor() && anchors.size() > 1) {
        warnings.add(where + " names no trust anchor, so a certificate from any of the " + anchors.size()
            + " configured anchors can earn it; add anchor=\"DN\" to bind it to one");
      }
      for (Condition condition : rule.conditions()) {
        if (condition.anchorName() != null) {
          long named = anchors.stream().filter(a -> a.getSubjectX500Principal().equals(condition.anchorName())).count();
          if (named != 1) {
            warnings.add(where + ": " + condition + (named == 0 ? " is not a configured trust anchor"
                : " names " + named + " configured trust anchors; use anchor.sha256= with the key fingerprint")
                + ", so the rule grants nothing");
          }
        } else if (condition.anchorKey() != null && anchors.stream()
            .noneMatch(a -> Fingerprint.publicKeySha256(a).equals(condition.anchorKey()))) {
          warnings.add(where + ": " + condition + " is the key of no configured trust anchor, so the rule grants"
              + " nothing");
        }
      }
    }
    return List.copyOf(warnings);
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

  /** Every role some rule can grant. */
  public Set<String> roles() {
    Set<String> roles = new TreeSet<>();
    rules.forEach(rule -> roles.add(rule.role()));
    return Collections.unmodifiableSet(roles);
  }

  public int size() {
    return rules.size();
  }

  @Override
  public String toString() {
    return source + " (" + rules.size() + " rules)";
  }

  private static Condition condition(String token, String source, int line) {
    int equals = token.indexOf('=');
    if (equals < 0) {
      throw error(source, line, "expected SELECTOR=PATTERN but found '" + SafeText.escape(token) + "'");
    }
    String selector = token.substring(0, equals);
    String pattern = token.substring(equals + 1);
    int dot = selector.indexOf('.');
    String scope = dot < 0 ? selector : selector.substring(0, dot);
    String what = dot < 0 ? "" : selector.substring(dot + 1);
    if (pattern.isEmpty()) {
      throw error(source, line, "empty pattern for '" + SafeText.escape(selector) + "'");
    }
    switch (scope) {
      case "subject", "issuer" -> {
        String attribute = what.toUpperCase(java.util.Locale.ROOT);
        if (!ATTRIBUTES.contains(attribute)) {
          throw error(source, line, "unknown attribute '" + SafeText.escape(what) + "'; expected one of "
              + String.join(", ", ATTRIBUTES));
        }
        return new Condition(scope, attribute, null, Glob.of(pattern, Glob.Kind.TEXT), null, null, null);
      }
      case "san" -> {
        String type = what.toLowerCase(java.util.Locale.ROOT);
        if (!SAN_TYPES.contains(type)) {
          throw error(source, line, "unknown alternative name type '" + SafeText.escape(what)
              + "'; expected one of " + String.join(", ", SAN_TYPES));
        }
        SubjectAltName.Type altNameType = SubjectAltName.Type.valueOf(type.toUpperCase());
        Glob glob = Glob.of(pattern, switch (altNameType) {
          case DNS -> Glob.Kind.DNS;
          case URI -> Glob.Kind.URI;
          default -> Glob.Kind.TEXT;
        });
        if (altNameType == SubjectAltName.Type.URI && !glob.hasStar() && !plainUri(glob.literal())) {
          throw error(source, line, "'" + SafeText.escape(pattern) + "' is not a plain URI (a spiffe: URI must be a"
              + " valid SPIFFE ID; no dot or empty segments, percent-encoding, query or fragment)");
        }
        InetAddress address = null;
        if (altNameType == SubjectAltName.Type.IP) {
          address = glob.hasStar() ? null : ipLiteral(glob.literal());
          if (address == null) {
            throw error(source, line, "'" + SafeText.escape(pattern)
                + "' is not an IP address; san.ip takes one literal address, no glob");
          }
        }
        return new Condition("san", null, altNameType, glob, address, null, null);
      }
      case "anchor" -> {
        if (what.isEmpty()) {
          try {
            return new Condition("anchor", null, null, null, null, new X500Principal(pattern), null);
          } catch (IllegalArgumentException e) {
            throw error(source, line, "'" + SafeText.escape(pattern) + "' is not a distinguished name (e.g."
                + " anchor=\"CN=Demo Root CA,O=Demo\")");
          }
        }
        if (!what.equalsIgnoreCase("sha256")) {
          throw error(source, line, "unknown anchor selector '" + SafeText.escape(selector)
              + "'; expected anchor=DN or anchor.sha256=FINGERPRINT");
        }
        String hex = pattern.replace(":", "").toUpperCase(java.util.Locale.ROOT);
        if (!hex.matches("[0-9A-F]{64}")) {
          throw error(source, line, "'" + SafeText.escape(pattern) + "' is not a SHA-256 fingerprint (64 hex digits,"
              + " colons allowed)");
        }
        return new Condition("anchor", null, null, null, null, null,
            java.util.HexFormat.ofDelimiter(":").formatHex(java.util.HexFormat.of().parseHex(hex))
                .toUpperCase(java.util.Locale.ROOT));
      }
      default -> throw error(source, line, "unknown selector '" + SafeText.escape(selector)
          + "'; expected subject.ATTR, issuer.ATTR, san.dns|ip|email|uri, anchor or anchor.sha256");
    }
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

  static ConfigException error(String source, int line, String problem) {
    return new ConfigException(source + ":" + line + ": " + problem);
  }
}
