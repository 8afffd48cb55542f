package dev.mtls.pki.material;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.util.encoders.Hex;

/**
 * A distinguished name parsed from its DER encoding into attributes. Roles are matched on these attributes,
 * one by one, never by a pattern over the DN string: in {@code CN=bob\,OU=admins} there is no OU at all,
 * and only a structural parse sees that.
 */
public final class DistinguishedName {
  /** One attribute: its short type name ({@code CN}, {@code OU}, …, or the OID) and its unescaped value. */
  public record Attribute(String type, String value) {}

  private final List<Attribute> attributes;
  private final String rfc4514;
  /** Shown on every request a connection makes (access log, responses): escaped once, when first asked. */
  private String display;

  private DistinguishedName(List<Attribute> attributes, String rfc4514) {
    this.attributes = attributes;
    this.rfc4514 = rfc4514;
  }

  public static DistinguishedName of(X500Principal principal) {
    // Through the encoded bytes: string round trips can reorder RDNs or re-escape values.
    X500Name name = X500Name.getInstance(principal.getEncoded());
    List<Attribute> attributes = new ArrayList<>();
    for (RDN rdn : name.getRDNs()) {
      for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
        attributes.add(new Attribute(typeName(atv.getType()), value(atv.getValue())));
      }
    }
    return new DistinguishedName(List.copyOf(attributes), principal.getName(X500Principal.RFC2253));
  }

  /** Attributes in encoding order (most general first, as in the certificate). */
  public List<Attribute> attributes() {
    return attributes;
  }

  /** Every value of {@code type} (e.g. all OUs), in encoding order. */
  public List<String> values(String type) {
    List<String> values = new ArrayList<>();
    for (Attribute attribute : attributes) {
      if (attribute.type().equalsIgnoreCase(type)) {
        values.add(attribute.value());
      }
    }
    return values;
  }

  /** The most specific value of {@code type}, e.g. the CN. */
  public Optional<String> mostSpecific(String type) {
    List<String> values = values(type);
    return values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
  }

  /** RFC 4514 text with control and bidi characters escaped: safe for logs and terminals. */
  public String toDisplayString() {
    String shown = display;
    if (shown == null) {
      shown = SafeText.escape(rfc4514);
      display = shown;
    }
    return shown;
  }

  /** RFC 4514 text, unescaped for display: use {@link #toDisplayString()} wherever it is shown. */
  @Override
  public String toString() {
    return rfc4514;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof DistinguishedName that && attributes.equals(that.attributes);
  }

  @Override
  public int hashCode() {
    return attributes.hashCode();
  }

  private static String typeName(ASN1ObjectIdentifier oid) {
    String name = BCStyle.INSTANCE.oidToDisplayName(oid);
    if (name == null) {
      return oid.getId();
    }
    return switch (name) {
      case "E" -> "EMAILADDRESS";
      default -> name;
    };
  }

  private static String value(ASN1Encodable value) {
    if (value instanceof ASN1String string) {
      try {
        return string.getString();
      } catch (IllegalArgumentException e) {
        // A UTF8String that is not UTF-8 (JSSE reads such a certificate): shown as its encoding, as below.
      }
    }
    // Not a string type: RFC 4514 shows such values as '#' and the hex of their encoding.
    return "#" + Hex.toHexString(encoded(value));
  }

  private static byte[] encoded(ASN1Encodable value) {
    try {
      return value.toASN1Primitive().getEncoded();
    } catch (IOException e) {
      throw new IllegalArgumentException("unencodable DN value", e);
    }
  }
}
