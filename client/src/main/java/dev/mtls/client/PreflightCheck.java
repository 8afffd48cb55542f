package dev.mtls.client;

import dev.mtls.pki.material.DistinguishedName;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks our own certificate before any connection: a server would refuse an expired, not-yet-valid or
 * non-clientAuth certificate with at best a terse alert; here the reason comes with the dates.
 */
public final class PreflightCheck {
  /** The extended key usage a TLS client certificate needs. */
  static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

  /** One problem with our certificate. {@code blocking} problems make a server refuse it. */
  public record Finding(Diagnosis.Kind kind, boolean blocking, String message) {}

  /** All findings; empty when the certificate is fine. */
  public record Report(List<Finding> findings) {
    public Report {
      findings = List.copyOf(findings);
    }

    /** The first finding that would make a server refuse the certificate. */
    public Optional<Finding> blocking() {
      return findings.stream().filter(Finding::blocking).findFirst();
    }

    public List<Finding> warnings() {
      return findings.stream().filter(finding -> !finding.blocking()).toList();
    }
  }

  private PreflightCheck() {}

  /**
   * Checks {@code certificate} at {@code clock}'s time; a certificate that expires within
   * {@code expiryWarning} gives a non-blocking finding.
   */
  public static Report check(X509Certificate certificate, Clock clock, Duration expiryWarning) {
    Instant now = clock.instant();
    Instant notBefore = certificate.getNotBefore().toInstant();
    Instant notAfter = certificate.getNotAfter().toInstant();
    String subject = DistinguishedName.of(certificate.getSubjectX500Principal()).toDisplayString();
    List<Finding> findings = new ArrayList<>();
    if (now.isAfter(notAfter)) {
      findings.add(new Finding(Diagnosis.Kind.OWN_CERTIFICATE_EXPIRED, true,
          "our certificate " + subject + " expired on " + format(notAfter) + " (it is now " + format(now) + ")"));
    } else if (now.isBefore(notBefore)) {
      findings.add(new Finding(Diagnosis.Kind.OWN_CERTIFICATE_NOT_YET_VALID, true,
          "our certificate " + subject + " is not valid before " + format(notBefore) + " (it is now "
              + format(now) + "; is this machine's clock right?)"));
    } else if (now.plus(expiryWarning).isAfter(notAfter)) {
      long days = Duration.between(now, notAfter).toDays();
      findings.add(new Finding(Diagnosis.Kind.OWN_CERTIFICATE_EXPIRED, false,
          "our certificate " + subject + " expires on " + format(notAfter) + ", in " + days
              + (days == 1 ? " day" : " days")));
    }
    List<String> usages = extendedKeyUsage(certificate);
    if (usages != null && !usages.contains(CLIENT_AUTH) && !usages.contains(ANY_EXTENDED_KEY_USAGE)) {
      findings.add(new Finding(Diagnosis.Kind.OWN_CERTIFICATE_NOT_FOR_CLIENTS, true,
          "our certificate " + subject + " is not allowed for TLS client authentication: its extended key usage "
              + usages.stream().map(PreflightCheck::usageName).toList() + " lacks clientAuth"));
    }
    return new Report(findings);
  }

  static String format(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static List<String> extendedKeyUsage(X509Certificate certificate) {
    try {
      return certificate.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      return List.of("unparseable");
    }
  }

  private static String usageName(String oid) {
    return switch (oid) {
      case "1.3.6.1.5.5.7.3.1" -> "serverAuth";
      case CLIENT_AUTH -> "clientAuth";
      case "1.3.6.1.5.5.7.3.3" -> "codeSigning";
      case "1.3.6.1.5.5.7.3.4" -> "emailProtection";
      default -> oid;
    };
  }
}
