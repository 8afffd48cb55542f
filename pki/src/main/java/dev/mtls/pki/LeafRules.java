package dev.mtls.pki;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.SubjectAltName;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;

/**
 * What the CA refuses to put in a leaf whatever the name policy allows: names that mislead whoever reads them, and
 * names the profile cannot work without. Each refusal is a {@link RequestRefusedException} that says why.
 */
final class LeafRules {
  private LeafRules() {}

  /** The rules of {@code profile} for a leaf of {@code subject} and {@code names} below {@code caChain}. */
  static void check(Profile profile, X500Principal subject, List<SubjectAltName> names,
      List<X509Certificate> caChain) {
    if (profile == Profile.SERVER && names.stream().noneMatch(
        n -> n.type() == SubjectAltName.Type.DNS || n.type() == SubjectAltName.Type.IP)) {
      throw new RequestRefusedException("a server certificate needs at least one DNS or IP subject alternative "
          + "name: clients verify the host name against the SANs, not the CN");
    }
    if (profile == Profile.CLIENT && subject.getEncoded().length <= 2) {
      throw new RequestRefusedException("a client certificate needs a subject: servers map it to roles");
    }
    refuseCaNames(subject, names, caChain);
    refuseUnplainUris(names);
  }

  /**
   * A leaf named like one of its CAs, by its whole subject, its CN or an alternative name, misleads whoever reads
   * names (a log, a person, a rule written by name).
   */
  static void refuseCaNames(X500Principal subject, List<SubjectAltName> names, List<X509Certificate> caChain) {
    DistinguishedName leafName = DistinguishedName.of(subject);
    for (X509Certificate ca : caChain) {
      X500Principal caSubject = ca.getSubjectX500Principal();
      if (caSubject.equals(subject)) {
        throw new RequestRefusedException("the subject " + SafeText.escape(subject.getName())
            + " is the name of a CA in this chain; a leaf named like its CA misleads whoever reads names");
      }
      DistinguishedName caName = DistinguishedName.of(caSubject);
      for (String cn : caName.values("CN")) {
        if (leafName.values("CN").stream().anyMatch(cn::equalsIgnoreCase)) {
          throw new RequestRefusedException("the subject's CN '" + SafeText.escape(cn) + "' is the CN of a CA in"
              + " this chain (" + caName.toDisplayString() + "); choose a name no CA has");
        }
        for (SubjectAltName name : names) {
          if (name.value().equalsIgnoreCase(cn) || name.value().equalsIgnoreCase(caSubject.getName())) {
            throw new RequestRefusedException("the subject alternative name " + SafeText.escape(name.toString())
                + " is the name of a CA in this chain (" + caName.toDisplayString() + ")");
          }
        }
      }
    }
  }

  /**
   * A wildcard DNS name in a client certificate lets one key speak for every host of a domain; it is issued only
   * when the name policy says so explicitly.
   */
  static void refuseWildcardClientNames(Profile profile, List<SubjectAltName> names, boolean allowed) {
    if (profile != Profile.CLIENT || allowed) {
      return;
    }
    for (SubjectAltName name : names) {
      if (name.type() == SubjectAltName.Type.DNS && name.value().contains("*")) {
        throw new RequestRefusedException("the client certificate would name the wildcard " + SafeText.escape(
            name.toString()) + "; wildcard names in client certificates need --allow-wildcard-dns");
      }
    }
  }

  /** A request's names bypass {@link SubjectAltName}'s factories: hold them to the same rules. */
  static void checkWellFormed(List<SubjectAltName> names) {
    for (SubjectAltName name : names) {
      try {
        switch (name.type()) {
          case DNS -> SubjectAltName.dns(name.value());
          case IP -> SubjectAltName.ip(name.value());
          case EMAIL -> SubjectAltName.email(name.value());
          case URI -> SubjectAltName.uri(name.value());
        }
      } catch (IllegalArgumentException e) {
        throw new RequestRefusedException("the request's subject alternative name is malformed: "
            + SafeText.escape(e.getMessage()));
      }
    }
  }

  /** A URI with dot segments or escaped dots and slashes can be read as another path than it shows. */
  private static void refuseUnplainUris(List<SubjectAltName> names) {
    for (SubjectAltName name : names) {
      if (name.type() != SubjectAltName.Type.URI) {
        continue;
      }
      String uri = name.value();
      if (SubjectAltName.hasDotOrEmptySegments(uri) || uri.toLowerCase(Locale.ROOT).matches(".*%(2e|2f|5c).*")) {
        throw new RequestRefusedException("the URI " + SafeText.escape(uri) + " has dot or empty path segments or"
            + " an escaped '.', '/' or '\\'; a URI must show the one path it names");
      }
    }
  }
}
