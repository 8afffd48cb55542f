package dev.mtls.pki;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;

/** One subjectAltName entry: a DNS name, an IP address, an email address or a URI (e.g. a SPIFFE ID). */
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

  @Override
  public String toString() {
    return type + ":" + value;
  }
}
