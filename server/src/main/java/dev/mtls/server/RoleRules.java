package dev.mtls.server;

import dev.mtls.pki.material.SafeText;
import dev.mtls.server.internal.identity.RoleCondition;
import dev.mtls.server.internal.rules.RuleLines;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
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
 * reader  san.uri=spiffe://example.org/ns/prod/*   anchor="CN=Demo Root CA,O=Demo"
 * </pre>
 *
 * A condition is {@code SELECTOR=PATTERN}: {@code subject.ATTR} or {@code issuer.ATTR} (ATTR one of
 * {@code CN, OU, O, L, ST, C, DC, UID, SERIALNUMBER, EMAILADDRESS, STREET, T}) holds when any value of that attribute matches; {@code san.dns}, {@code san.ip},
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
 * query or a fragment; a certificate naming such a URI is granted nothing by URI rules. Nor is an X509-SVID (a
 * certificate with a {@code spiffe:} URI) with more than the one URI name an SVID may have.
 * Quote a pattern with {@code "..."} when it holds spaces or starts with {@code #}; inside quotes {@code \"} and
 * {@code \\} escape. Matching is structural, attribute by attribute on the parsed DN: a CN of
 * {@code bob,OU=admins} is one CN value and never satisfies {@code subject.OU=admins}.
 */
public final class RoleRules {
  private record Rule(String role, List<RoleCondition> conditions, int line) {
    boolean namesAnchor() {
      return conditions.stream().anyMatch(RoleCondition::namesAnchor);
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
    return of(RuleLines.read(file), file.toString());
  }

  /** Parses rules text; {@code source} names it in errors ({@code roles.conf:7: ...}). */
  public static RoleRules parse(String text, String source) {
    return of(RuleLines.parse(text, source), source);
  }

  private static RoleRules of(List<RuleLines.Line> lines, String source) {
    List<Rule> rules = new ArrayList<>();
    for (RuleLines.Line line : lines) {
      String role = line.tokens().get(0);
      if (!RuleLines.ROLE.matcher(role).matches()) {
        throw line.error("invalid role name '" + SafeText.escape(role) + "'; use letters, digits, '_', '.', '-'");
      }
      if (line.tokens().size() == 1) {
        throw line.error("role '" + role + "' has no condition; expected e.g. 'subject.OU=admins'");
      }
      List<RoleCondition> conditions = new ArrayList<>();
      for (String token : line.tokens().subList(1, line.tokens().size())) {
        conditions.add(RoleCondition.parse(token, line));
      }
      rules.add(new Rule(role, List.copyOf(conditions), line.number()));
    }
    return new RoleRules(List.copyOf(rules), source);
  }

  /**
   * The roles of {@code identity}, whose path was validated to {@code anchor}, one of the configured
   * {@code anchors}; empty when no rule holds. Never null.
   */
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
   * configured (any of them can issue a certificate that earns the role), and anchor conditions that can never
   * hold (such a rule grants nothing).
   */
  public List<String> warnings(List<X509Certificate> anchors) {
    List<String> warnings = new ArrayList<>();
    for (Rule rule : rules) {
      String where = source + ":" + rule.line() + ": role '" + rule.role() + "'";
      if (!rule.namesAnchor() && anchors.size() > 1) {
        warnings.add(where + " names no trust anchor, so a certificate from any of the " + anchors.size()
            + " configured anchors can earn it; add anchor=\"DN\" to bind it to one");
      }
      for (RoleCondition condition : rule.conditions()) {
        String problem = condition.problemWith(anchors);
        if (problem != null) {
          warnings.add(where + ": " + problem + ", so the rule grants nothing");
        }
      }
    }
    return List.copyOf(warnings);
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
}
