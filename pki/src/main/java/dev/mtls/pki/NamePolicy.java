package dev.mtls.pki;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.SubjectAltName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.security.auth.x500.X500Principal;

/**
 * Which names a CA profile will certify. A request asks; the policy decides. With a policy built by
 * {@link #builder()}, every SAN type is refused unless a pattern permits it, required subject attributes must be
 * present with exactly the given value, and every subject attribute must be allowed (required ones are): a request
 * cannot slip in an OU or an O the policy did not name.
 *
 * <p>Patterns: DNS {@code *.example.org} (one label) or an exact name; URI a prefix ending in {@code *}
 * or an exact URI; email {@code @example.org} (a domain) or an exact address; IP an exact address; subject
 * attribute {@code TYPE=VALUE} exact or {@code TYPE=*} for any value.
 */
public final class NamePolicy {
  private static final NamePolicy PERMIT_ALL = new NamePolicy(true, Map.of(), List.of(), List.of(), List.of(), List.of(),
      List.of(), false);

  private final boolean permitAll;
  private final Map<String, String> requiredSubject;
  private final List<DistinguishedName.Attribute> allowedSubject;
  private final boolean wildcardClientNames;
  private final List<String> dns;
  private final List<String> ips;
  private final List<String> emails;
  private final List<String> uris;

  private NamePolicy(boolean permitAll, Map<String, String> requiredSubject, List<String> dns, List<String> ips,
      List<String> emails, List<String> uris, List<DistinguishedName.Attribute> allowedSubject,
      boolean wildcardClientNames) {
    this.permitAll = permitAll;
    this.requiredSubject = requiredSubject;
    this.allowedSubject = allowedSubject;
    this.wildcardClientNames = wildcardClientNames;
    this.dns = dns;
    this.ips = ips;
    this.emails = emails;
    this.uris = uris;
  }

  /** Any well-formed name. The profile's own rules (e.g. a server needs a SAN) still apply. */
  public static NamePolicy permitAll() {
    return PERMIT_ALL;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether this policy is the permit-all one: no name restrictions at all (the CLI says so when signing). */
  public boolean isPermitAll() {
    return permitAll;
  }

  /** Whether client certificates may name wildcard DNS names (never by default). */
  public boolean allowsWildcardClientNames() {
    return wildcardClientNames;
  }

  /** Throws {@link RequestRefusedException} naming the first disallowed name. */
  public void check(X500Principal subject, List<SubjectAltName> names) {
    if (permitAll) {
      return;
    }
    DistinguishedName dn = DistinguishedName.of(subject);
    for (Map.Entry<String, String> required : requiredSubject.entrySet()) {
      List<String> values = dn.values(required.getKey());
      if (values.size() != 1 || !values.get(0).equals(required.getValue())) {
        throw new RequestRefusedException("subject " + dn.toDisplayString() + " is not allowed: policy requires "
            + required.getKey() + "=" + required.getValue());
      }
    }
    for (DistinguishedName.Attribute attribute : dn.attributes()) {
      boolean required = attribute.value().equals(requiredSubject.get(attribute.type()));
      boolean allowed = allowedSubject.stream().anyMatch(a -> a.type().equals(attribute.type())
          && (a.value().equals("*") || a.value().equals(attribute.value())));
      if (!required && !allowed) {
        throw new RequestRefusedException("subject attribute " + attribute.type() + "=" + SafeText.escape(
            attribute.value()) + " is not allowed by the policy (allowed: " + subjectAllowed() + ")");
      }
    }
    for (SubjectAltName name : names) {
      boolean allowed = switch (name.type()) {
        case DNS -> dns.stream().anyMatch(p -> dnsMatches(p, name.value()));
        case IP -> ips.contains(name.value());
        case EMAIL -> emails.stream().anyMatch(p -> emailMatches(p, name.value()));
        case URI -> uris.stream().anyMatch(p -> p.endsWith("*")
            ? name.value().startsWith(p.substring(0, p.length() - 1)) : p.equals(name.value()));
      };
      if (!allowed) {
        throw new RequestRefusedException("subject alternative name " + SafeText.escape(name.toString())
            + " is not allowed by the policy" + describe(name.type()));
      }
    }
  }

  private String subjectAllowed() {
    List<String> all = new ArrayList<>();
    requiredSubject.forEach((type, value) -> all.add(type + "=" + value));
    allowedSubject.forEach(a -> all.add(a.type() + "=" + a.value()));
    return all.isEmpty() ? "none; give --allow-subject TYPE=VALUE" : String.join(", ", all);
  }

  private String describe(SubjectAltName.Type type) {
    List<String> permitted = switch (type) {
      case DNS -> dns;
      case IP -> ips;
      case EMAIL -> emails;
      case URI -> uris;
    };
    return permitted.isEmpty() ? " (no " + type + " names are permitted)" : " (permitted: " + permitted + ")";
  }

  private static boolean dnsMatches(String pattern, String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (pattern.startsWith("*.")) {
      String suffix = pattern.substring(1);
      return lower.endsWith(suffix) && lower.indexOf('.') == lower.length() - suffix.length();
    }
    return pattern.equals(lower);
  }

  private static boolean emailMatches(String pattern, String address) {
    String lower = address.toLowerCase(Locale.ROOT);
    return pattern.startsWith("@") ? lower.endsWith(pattern) : pattern.equals(lower);
  }

  public static final class Builder {
    private final Map<String, String> requiredSubject = new LinkedHashMap<>();
    private final List<String> dns = new ArrayList<>();
    private final List<String> ips = new ArrayList<>();
    private final List<String> emails = new ArrayList<>();
    private final List<String> uris = new ArrayList<>();
    private final List<DistinguishedName.Attribute> allowedSubject = new ArrayList<>();
    private boolean wildcardClientNames;

    private Builder() {}

    /** The subject may hold a {@code type} attribute with this value ({@code *}: any value), e.g. OU=readers. */
    public Builder allowSubjectAttribute(String type, String value) {
      allowedSubject.add(new DistinguishedName.Attribute(type.toUpperCase(Locale.ROOT), value));
      return this;
    }

    /** Client certificates may name wildcard DNS names (a DNS pattern must still permit them). */
    public Builder allowWildcardClientNames() {
      this.wildcardClientNames = true;
      return this;
    }

    /** The subject must hold exactly one {@code type} attribute with this value, e.g. O=mtls-reference. */
    public Builder requireSubjectAttribute(String type, String value) {
      requiredSubject.put(type.toUpperCase(Locale.ROOT), value);
      return this;
    }

    public Builder addDns(String pattern) {
      dns.add(pattern.toLowerCase(Locale.ROOT));
      return this;
    }

    public Builder addIp(String address) {
      ips.add(SubjectAltName.ip(address).value());
      return this;
    }

    public Builder addEmail(String pattern) {
      emails.add(pattern.toLowerCase(Locale.ROOT));
      return this;
    }

    public Builder addUri(String pattern) {
      uris.add(pattern);
      return this;
    }

    public NamePolicy build() {
      return new NamePolicy(false, Map.copyOf(requiredSubject), List.copyOf(dns), List.copyOf(ips),
          List.copyOf(emails), List.copyOf(uris), List.copyOf(allowedSubject), wildcardClientNames);
    }
  }
}
