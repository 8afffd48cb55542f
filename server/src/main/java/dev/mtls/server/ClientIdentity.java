package dev.mtls.server;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.Fingerprint;
import dev.mtls.pki.material.SubjectAltName;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Who the client is, taken from its verified certificate: the parsed subject and issuer, the subject
 * alternative names, the serial number, the SHA-256 fingerprint and the expiry. Computed once per connection.
 * Every string here is attacker-chosen: escape it ({@link dev.mtls.pki.material.SafeText}, HTML, JSON) wherever
 * it is shown.
 */
public final class ClientIdentity {
  private final DistinguishedName subject;
  private final DistinguishedName issuer;
  private final List<SubjectAltName> altNames;
  private final BigInteger serialNumber;
  private final String serialHex;
  private final String sha256Fingerprint;
  private final Instant notAfter;

  private ClientIdentity(X509Certificate certificate) {
    this.subject = DistinguishedName.of(certificate.getSubjectX500Principal());
    this.issuer = DistinguishedName.of(certificate.getIssuerX500Principal());
    this.altNames = altNames(certificate);
    this.serialNumber = certificate.getSerialNumber();
    this.serialHex = serialNumber.toString(16);
    this.sha256Fingerprint = Fingerprint.sha256(certificate);
    this.notAfter = certificate.getNotAfter().toInstant();
  }

  /** The identity of the leaf of a path the trust core has validated. */
  public static ClientIdentity of(X509Certificate leaf) {
    Objects.requireNonNull(leaf, "leaf == null");
    return new ClientIdentity(leaf);
  }

  public DistinguishedName subject() {
    return subject;
  }

  public DistinguishedName issuer() {
    return issuer;
  }

  public List<SubjectAltName> altNames() {
    return altNames;
  }

  /** The values of one kind of subject alternative name, in certificate order. */
  public List<String> altNames(SubjectAltName.Type type) {
    return altNames.stream().filter(name -> name.type() == type).map(SubjectAltName::value).toList();
  }

  public BigInteger serialNumber() {
    return serialNumber;
  }

  /** The serial number in lower-case hex, as {@code openssl x509 -serial} shows it (without leading zeros). */
  public String serialHex() {
    return serialHex;
  }

  /** SHA-256 over the DER certificate, as {@code openssl x509 -fingerprint -sha256} shows it. */
  public String sha256Fingerprint() {
    return sha256Fingerprint;
  }

  public Instant notAfter() {
    return notAfter;
  }

  /** A one-line summary for logs, with control characters escaped. */
  @Override
  public String toString() {
    return subject.toDisplayString() + " (serial " + serialHex() + ")";
  }

  private static List<SubjectAltName> altNames(X509Certificate certificate) {
    try {
      return SubjectAltName.of(certificate);
    } catch (IllegalArgumentException e) {
      // The certificate passed path validation, which parses its extensions: treat an oddity as no names.
      return List.of();
    }
  }
}
