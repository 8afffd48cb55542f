package dev.mtls.pki.cli;

import dev.mtls.pki.material.SafeText;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A URL that relying parties fetch a CRL from or send OCSP requests to: absolute http or https with a host. Other
 * schemes (ldap, file) and relative paths are refused when the command is parsed, not discovered by a relying party
 * once the certificate is out. picocli names the option in the usage error.
 */
final class HttpUrlConverter implements ITypeConverter<String> {
  @Override
  public String convert(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw refused(value);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw refused(value);
    }
    return value;
  }

  private static TypeConversionException refused(String value) {
    return new TypeConversionException("'" + SafeText.escape(value) + "' is not an absolute http or https URL,"
        + " such as http://127.0.0.1:8081/crl/issuing.crl");
  }
}
