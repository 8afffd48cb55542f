package dev.mtls.server.internal.identity;

import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads the client certificate a TLS-terminating proxy forwarded in a request header, in the forms proxies send:
 *
 * <ul>
 *   <li>RFC 9440: {@code Client-Cert: :BASE64-DER:} and {@code Client-Cert-Chain: :BASE64-DER:, :BASE64-DER:}
 *       (structured-field byte sequences). HAProxy's {@code :%[ssl_c_chain_der,base64]:} puts the whole chain,
 *       DER after DER, in one item; that reads too.
 *   <li>nginx's {@code $ssl_client_escaped_cert}: the PEM certificate, URL-encoded.
 * </ul>
 *
 * Reading is all this does: whether the certificates are trusted is the trust core's decision, on the path it
 * validates, exactly as for a client that connected itself.
 */
public final class ForwardedCertificates {
  public static final String CLIENT_CERT = "Client-Cert";
  public static final String CLIENT_CERT_CHAIN = "Client-Cert-Chain";

  private ForwardedCertificates() {}

  /** Why a forwarded header cannot be read. */
  public static final class Unreadable extends Exception {
    Unreadable(String message) {
      super(message);
    }
  }

  /** The leaf from {@code Client-Cert}, then the certificates of {@code Client-Cert-Chain} (null: none). */
  public static List<X509Certificate> read(String clientCert, String clientCertChain) throws Unreadable {
    if (clientCert == null || clientCert.isBlank()) {
      throw new Unreadable(CLIENT_CERT_CHAIN + " came without " + CLIENT_CERT);
    }
    List<X509Certificate> leaf = certificates(CLIENT_CERT, clientCert.strip());
    if (leaf.size() != 1) {
      throw new Unreadable(CLIENT_CERT + " must hold one certificate, not " + leaf.size());
    }
    List<X509Certificate> chain = new ArrayList<>(leaf);
    if (clientCertChain != null && !clientCertChain.isBlank()) {
      for (String item : clientCertChain.split(",")) {
        chain.addAll(certificates(CLIENT_CERT_CHAIN, item.strip()));
      }
    }
    return chain;
  }

  private static List<X509Certificate> certificates(String header, String value) throws Unreadable {
    byte[] encoded;
    if (value.length() >= 2 && value.startsWith(":") && value.endsWith(":")) {
      try {
        encoded = Base64.getDecoder().decode(value.substring(1, value.length() - 1));
      } catch (IllegalArgumentException e) {
        throw new Unreadable(header + " is not valid base64 between colons (RFC 9440)");
      }
    } else {
      String pem;
      try {
        pem = URLDecoder.decode(value, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new Unreadable(header + " has a '%' that is not followed by two hex digits, so it is not a URL-encoded"
            + " PEM certificate (nginx's $ssl_client_escaped_cert)");
      }
      if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
        throw new Unreadable(header + " is neither an RFC 9440 byte sequence (:BASE64:) nor a URL-encoded PEM"
            + " certificate (nginx's $ssl_client_escaped_cert)");
      }
      encoded = pem.getBytes(StandardCharsets.US_ASCII);
    }
    try {
      List<X509Certificate> certificates = new ArrayList<>();
      for (Certificate certificate : CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(encoded))) {
        certificates.add((X509Certificate) certificate);
      }
      if (certificates.isEmpty()) {
        throw new Unreadable(header + " holds no certificate");
      }
      return certificates;
    } catch (CertificateException | RuntimeException e) {
      throw new Unreadable(header + " does not hold a readable X.509 certificate");
    }
  }
}
