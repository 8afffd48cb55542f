package dev.mtls.pki.material.internal.trust;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.trust.CrlSet;
import dev.mtls.pki.material.trust.Purpose;
import java.security.cert.CRLReason;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;

/** How verdict sentences name things; every certificate-derived string goes through here, escaped. */
public final class Sentences {
  private Sentences() {}

  /** A certificate by its subject, quoted: {@code "CN=alice,O=Demo"}. */
  public static String name(X509Certificate certificate) {
    return name(certificate.getSubjectX500Principal());
  }

  public static String name(X500Principal principal) {
    return "\"" + DistinguishedName.of(principal).toDisplayString() + "\"";
  }

  /** How a leaf for {@code purpose} is named: "the client certificate", "the certificate". */
  public static String leaf(Purpose purpose) {
    return switch (purpose) {
      case CLIENT -> "the client certificate";
      case SERVER -> "the server certificate";
      case ANY -> "the certificate";
    };
  }

  /** The certificate at {@code index} of a path: the leaf by its role, the others as CA certificates. */
  public static String which(int index, List<X509Certificate> path, Purpose purpose) {
    if (index < 0 || index >= path.size()) {
      return "the chain";
    }
    return (index == 0 ? leaf(purpose) : "CA certificate") + " " + name(path.get(index));
  }

  public static String time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static String crl(X509CRL crl) {
    return "the CRL of " + name(crl.getIssuerX500Principal()) + " (number " + CrlSet.number(crl) + ", thisUpdate "
        + time(crl.getThisUpdate().toInstant()) + ")";
  }

  /** RFC 5280's name for a revocation reason: keyCompromise, cACompromise, … */
  static String reason(CRLReason reason) {
    if (reason == null) {
      return "unspecified";
    }
    return switch (reason) {
      case CA_COMPROMISE -> "cACompromise";
      case AA_COMPROMISE -> "aACompromise";
      default -> {
        String[] words = reason.name().toLowerCase(Locale.ROOT).split("_");
        StringBuilder out = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
          out.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        yield out.toString();
      }
    };
  }
}
