package dev.mtls.server;

import dev.mtls.pki.material.DistinguishedName;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Who the client is, taken from its verified certificate: the parsed subject and issuer, the subject
 * alternative names, the serial number, the SHA-256 fingerprint and the expiry. Computed once per TLS session.
 * Every string here is attacker-chosen: escape it ({@link dev.mtls.pki.material.SafeText}, HTML, JSON) wherever
 * it is shown.
 */
public final class ClientIdentity {
  /** A subject alternative name of one of the four kinds this project matches on. */
  public record AltName(Type type, String value) {
    public enum Type { DNS, IP, EMAIL, URI }

    public AltName {
      Objects.requireNonNull(type, "type == null");
      Objects.requireNonNull(value, "value == null");
    }
  }

  private final DistinguishedName subject;
  private final DistinguishedName issuer;
  private final List<AltName> altNames;
  private final BigInteger serialNumber;
  private final String sha256Fingerprint;
  private final Instant notAfter;

  private ClientIdentity(X509Certificate certificate) {
    this.subject = DistinguishedName.of(certificate.getSubjectX500Principal());
    this.issuer = DistinguishedName.of(certificate.getIssuerX500Principal());
    this.altNames = altNames(certificate);
    this.serialNumber = certificate.getSerialNumber();
    this.sha256Fingerprint = fingerprint(certificate);
    this.notAfter = certificate.getNotAfter().toInstant();
  }

  /** The identity of the leaf of a chain that TLS has already verified (leaf first). */
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

  public List<AltName> altNames() {
    return altNames;
  }

  /** The values of one kind of subject alternative name, in certificate order. */
  public List<String> altNames(AltName.Type type) {
    return altNames.stream().filter(name -> name.type() == type).map(AltName::value).toList();
  }

  public BigInteger serialNumber() {
    return serialNumber;
  }

  /** The serial number in lower-case hex, as {@code openssl x509 -serial} shows it (without leading zeros). */
  public String serialHex() {
    return serialNumber.toString(16);
  }

  /** SHA-256 over the DER certificate, lower-case hex pairs separated by colons. */
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

  private static List<AltName> altNames(X509Certificate certificate) {
    Collection<List<?>> entries;
    try {
      entries = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      // The certificate passed path validation, so its extensions parsed once already; treat as having none.
      return List.of();
    }
    if (entries == null) {
      return List.of();
    }
    List<AltName> names = new ArrayList<>();
    for (List<?> entry : entries) {
      // RFC 5280 GeneralName tags: 1 rfc822Name, 2 dNSName, 6 URI, 7 iPAddress. Others are not matched on.
      int tag = (Integer) entry.get(0);
      Object value = entry.get(1);
      if (!(value instanceof String text)) {
        continue;
      }
      switch (tag) {
        case 1 -> names.add(new AltName(AltName.Type.EMAIL, text));
        case 2 -> names.add(new AltName(AltName.Type.DNS, text));
        case 6 -> names.add(new AltName(AltName.Type.URI, text));
        case 7 -> names.add(new AltName(AltName.Type.IP, text));
        default -> { }
      }
    }
    return List.copyOf(names);
  }

  private static String fingerprint(X509Certificate certificate) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return HexFormat.ofDelimiter(":").formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("certificate cannot be encoded", e);
    }
  }
}
