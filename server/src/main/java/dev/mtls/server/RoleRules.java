package dev.mtls.server;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.SubjectAltName;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Role rules: which certificates hold which roles. One rule per line:
 *
 * <pre>
 * # ROLE  CONDITION [CONDITION ...]      every condition on the line must hold
 * admin   subject.OU=admins
 * reader  subject.OU=readers
 * reader  san.uri=spiffe://example.org/ns/prod/*   issuer.CN="Demo Issuing CA"
 * </pre>
 *
 * A condition is {@code SELECTOR=PATTERN}: {@code subject.ATTR} or {@code issuer.ATTR} (ATTR one of
 * {@link #ATTRIBUTES}) holds when any value of that attribute matches; {@code san.dns}, {@code san.ip},
 * {@code san.email}, {@code san.uri} hold when any subject alternative name of that kind matches. A pattern is
 * exact, or a glob where {@code *} matches any run of characters ({@code \*} is a literal star). DNS names compare
 * case-insensitively; IP addresses compare as addresses and take no glob; everything else is case-sensitive.
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
      Glob pattern, InetAddress address) {

    boolean holds(ClientIdentity identity) {
      if (altNameType == null) {
        DistinguishedName name = selector.equals("subject") ? identity.subject() : identity.issuer();
        return name.values(attribute).stream().anyMatch(pattern::matches);
      }
      List<String> values = identity.altNames(altNameType);
      if (address != null) {
        return values.stream().anyMatch(value -> address.equals(ipLiteral(value)));
      }
      return values.stream().anyMatch(pattern::matches);
    }

    @Override
    public String toString() {
      return selector + "." + (altNameType == null ? attribute : altNameType.name().toLowerCase()) + "=" + pattern;
    }
  }

  private record Rule(String role, List<Condition> conditions, int line) {}

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
  public Set<String> rolesFor(ClientIdentity identity) {
    Set<String> roles = new TreeSet<>();
    for (Rule rule : rules) {
      if (rule.conditions().stream().allMatch(condition -> condition.holds(identity))) {
        roles.add(rule.role());
      }
    }
    return Collections.unmodifiableSet(roles);
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
        return new Condition(scope, attribute, null, Glob.of(pattern, false), null);
      }
      case "san" -> {
        String type = what.toLowerCase(java.util.Locale.ROOT);
        if (!SAN_TYPES.contains(type)) {
          throw error(source, line, "unknown alternative name type '" + SafeText.escape(what)
              + "'; expected one of " + String.join(", ", SAN_TYPES));
        }
        SubjectAltName.Type altNameType = SubjectAltName.Type.valueOf(type.toUpperCase());
        Glob glob = Glob.of(pattern, altNameType == SubjectAltName.Type.DNS);
        InetAddress address = null;
        if (altNameType == SubjectAltName.Type.IP) {
          address = glob.hasStar() ? null : ipLiteral(glob.literal());
          if (address == null) {
            throw error(source, line, "'" + SafeText.escape(pattern)
                + "' is not an IP address; san.ip takes one literal address, no glob");
          }
        }
        return new Condition("san", null, altNameType, glob, address);
      }
      default -> throw error(source, line, "unknown selector '" + SafeText.escape(selector)
          + "'; expected subject.ATTR, issuer.ATTR or san.dns|ip|email|uri");
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
