package dev.mtls.pki.material.trust;

import java.security.cert.X509Certificate;

/**
 * Whether a server certificate names the host a client connected to (RFC 6125 / RFC 9525 matching). The trust core
 * does not match names itself: HTTP clients bring a maintained matcher (HttpClient5's DefaultHostnameVerifier).
 */
@FunctionalInterface
public interface HostnameCheck {
  /** Returns normally when {@code certificate} is valid for {@code host}; else says why. */
  void check(String host, X509Certificate certificate) throws Mismatch;

  /** The certificate does not name the host. */
  final class Mismatch extends Exception {
    private static final long serialVersionUID = 1L;

    public Mismatch(String message) {
      super(message);
    }
  }
}
