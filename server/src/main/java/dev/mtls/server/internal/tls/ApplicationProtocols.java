package dev.mtls.server.internal.tls;

import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * The server's answer to a client's ALPN offer (RFC 7301), given by the JDK's engine in the handshake: {@code h2}
 * before {@code http/1.1}, in the server's order whatever the client's; {@code h2} only when HTTP/2 is on and the
 * handshake's TLS is what RFC 9113 (section 9.2) allows it: TLS 1.3, or TLS 1.2 with an ephemeral key exchange
 * and an AEAD suite. An offer naming neither protocol ends the handshake with {@code no_application_protocol}
 * (RFC 7301 section 3.2); a client that offers nothing speaks HTTP/1.1.
 *
 * <p>A selector rather than a list of protocols: it sees the handshake's TLS version and suite. (Undertow's own ALPN
 * listener instead offers {@code h2} only to clients that offer {@code TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}, a
 * TLS 1.2 rule that keeps a TLS 1.3-only client on HTTP/1.1.)
 */
final class ApplicationProtocols implements BiFunction<SSLEngine, List<String>, String> {
  static final String H2 = "h2";
  static final String HTTP_1_1 = "http/1.1";

  private final boolean http2;

  ApplicationProtocols(boolean http2) {
    this.http2 = http2;
  }

  @Override
  public String apply(SSLEngine engine, List<String> offered) {
    SSLSession handshake = engine.getHandshakeSession();
    return choose(offered, http2 && handshake != null
        && allowsHttp2(handshake.getProtocol(), handshake.getCipherSuite()));
  }

  /** What to answer {@code offered} with; null when nothing fits (the handshake fails). */
  static String choose(List<String> offered, boolean h2) {
    if (h2 && offered.contains(H2)) {
      return H2;
    }
    return offered.contains(HTTP_1_1) ? HTTP_1_1 : null;
  }

  /**
   * RFC 9113 section 9.2.2: over TLS 1.2, HTTP/2 only with an ephemeral key exchange and an AEAD cipher (the
   * policy's TLS 1.2 suites are all such); every TLS 1.3 suite is both.
   */
  static boolean allowsHttp2(String protocol, String suite) {
    if ("TLSv1.3".equals(protocol)) {
      return true;
    }
    return "TLSv1.2".equals(protocol) && (suite.startsWith("TLS_ECDHE_") || suite.startsWith("TLS_DHE_"))
        && (suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305_") || suite.contains("_CCM"));
  }
}
