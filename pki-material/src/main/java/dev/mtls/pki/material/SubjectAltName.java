package dev.mtls.pki.material;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * One subjectAltName entry: a DNS name, an IP address, an email address or a URI (e.g. a SPIFFE ID). The one place
 * that reads SANs, from certificates ({@link #of}) and requests ({@link #decode}); other kinds of names
 * (directoryName, otherName, …) are not listed.
 */
public record SubjectAltName(Type type, String value) {
  public enum Type { DNS, IP, EMAIL, URI }

  public SubjectAltName {
    Objects.requireNonNull(type, "type == null");
    Objects.requireNonNull(value, "value == null");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("empty " + type + " subject alternative name");
    }
  }

  public static SubjectAltName dns(String name) {
    if (!name.matches("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")) {
      throw new IllegalArgumentException("not a valid DNS name: '" + name + "'");
    }
    return new SubjectAltName(Type.DNS, name.toLowerCase(Locale.ROOT));
  }

  public static SubjectAltName ip(String address) {
    // Only literals: InetAddress would otherwise resolve a host name over the network.
    if (!address.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
      throw new IllegalArgumentException("not an IP address literal: '" + address + "'");
    }
    try {
      return new SubjectAltName(Type.IP, InetAddress.getByName(address).getHostAddress());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address literal: '" + address + "'", e);
    }
  }

  public static SubjectAltName email(String address) {
    int at = address.indexOf('@');
    if (at <= 0 || at != address.lastIndexOf('@') || at == address.length() - 1) {
      throw new IllegalArgumentException("not an email address: '" + address + "'");
    }
    return new SubjectAltName(Type.EMAIL, address);
  }

  /**
   * Whether the path of {@code uri} has a {@code .} or {@code ..} segment or an empty one ({@code //}): such a URI can
   * be read as another path than it shows. The CA refuses to certify one; role rules never match one.
   */
  public static boolean hasDotOrEmptySegments(String uri) {
    int authority = uri.indexOf("://");
    String rest = authority < 0 ? uri : uri.substring(authority + 3);
    int slash = rest.indexOf('/');
    String path = slash < 0 ? "" : rest.substring(slash);
    return path.contains("//") || path.matches(".*/\\.{1,2}(/.*)?");
  }

  public static SubjectAltName uri(String uri) {
    try {
      URI parsed = new URI(uri);
      if (parsed.getScheme() == null) {
        throw new IllegalArgumentException("URI has no scheme: '" + uri + "'");
      }
      return new SubjectAltName(Type.URI, uri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a valid URI: '" + uri + "'", e);
    }
  }

  /**
   * Parses {@code dns:localhost}, {@code ip:127.0.0.1}, {@code email:a@b}, {@code uri:spiffe://x/y}; a bare
   * value is taken as an IP when it is an IP literal, else as a DNS name.
   */
  public static SubjectAltName parse(String text) {
    int colon = text.indexOf(':');
    String prefix = colon < 0 ? "" : text.substring(0, colon).toLowerCase(Locale.ROOT);
    String rest = colon < 0 ? text : text.substring(colon + 1);
    return switch (prefix) {
      case "dns" -> dns(rest);
      case "ip" -> ip(rest);
      case "email" -> email(rest);
      case "uri" -> uri(rest);
      default -> text.matches("[0-9.]+|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*") ? ip(text) : dns(text);
    };
  }

  /** The SANs of {@code certificate}, in certificate order; empty when it has none. */
  public static List<SubjectAltName> of(X509Certificate certificate) {
    byte[] extension = certificate.getExtensionValue(Extension.subjectAlternativeName.getId());
    if (extension == null) {
      return List.of();
    }
    try {
      return decode(GeneralNames.getInstance(ASN1OctetString.getInstance(extension).getOctets()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unreadable subjectAltName extension: " + e.getMessage(), e);
    }
  }

  /** The names of the four supported kinds in {@code names}, in order. */
  public static List<SubjectAltName> decode(GeneralNames names) {
    List<SubjectAltName> out = new ArrayList<>();
    for (GeneralName name : names.getNames()) {
      switch (name.getTagNo()) {
        case GeneralName.dNSName -> out.add(new SubjectAltName(Type.DNS, ia5(name)));
        case GeneralName.rfc822Name -> out.add(new SubjectAltName(Type.EMAIL, ia5(name)));
        case GeneralName.uniformResourceIdentifier -> out.add(new SubjectAltName(Type.URI, ia5(name)));
        case GeneralName.iPAddress -> out.add(new SubjectAltName(Type.IP, ip(name)));
        default -> { }
      }
    }
    return List.copyOf(out);
  }

  /** {@code names} as ASN.1, for a certificate or a request. */
  public static GeneralNames encode(List<SubjectAltName> names) {
    GeneralName[] out = new GeneralName[names.size()];
    for (int i = 0; i < out.length; i++) {
      SubjectAltName name = names.get(i);
      out[i] = switch (name.type()) {
        case DNS -> new GeneralName(GeneralName.dNSName, name.value());
        case IP -> new GeneralName(GeneralName.iPAddress, name.value());
        case EMAIL -> new GeneralName(GeneralName.rfc822Name, name.value());
        case URI -> new GeneralName(GeneralName.uniformResourceIdentifier, name.value());
      };
    }
    return new GeneralNames(out);
  }

  private static String ia5(GeneralName name) {
    return ASN1IA5String.getInstance(name.getName()).getString();
  }

  private static String ip(GeneralName name) {
    byte[] octets = ASN1OctetString.getInstance(name.getName()).getOctets();
    try {
      return InetAddress.getByAddress(octets).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("IP SAN of " + octets.length + " bytes is malformed", e);
    }
  }

  @Override
  public String toString() {
    return type + ":" + value;
  }
}
