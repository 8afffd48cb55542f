package dev.mtls.client.internal.tls;

import dev.mtls.pki.material.trust.HostnameCheck;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.psl.PublicSuffixMatcherLoader;
import org.apache.hc.client5.http.ssl.DefaultHostnameVerifier;

/**
 * Host-name matching for the trust core by HttpClient5's maintained verifier (RFC 6125 rules, subject alternative
 * names only, the public suffix list for wildcards), so a server certificate for the wrong host fails the handshake
 * with a verdict like any other refusal.
 */
final class HttpClientHostnames {
  static final HostnameCheck CHECK = new HostnameCheck() {
    private final DefaultHostnameVerifier verifier =
        new DefaultHostnameVerifier(PublicSuffixMatcherLoader.getDefault());

    @Override
    public void check(String host, X509Certificate certificate) throws Mismatch {
      try {
        verifier.verify(host, certificate);
      } catch (SSLException e) {
        throw new Mismatch(e.getMessage());
      }
    }
  };

  private HttpClientHostnames() {}
}
