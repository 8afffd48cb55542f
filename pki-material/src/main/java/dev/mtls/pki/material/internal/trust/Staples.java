package dev.mtls.pki.material.internal.trust;

import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The OCSP responses a server stapled in the handshake, by the certificate each came with. */
public final class Staples {
  private final Map<X509Certificate, byte[]> responses;

  private Staples(Map<X509Certificate, byte[]> responses) {
    this.responses = responses;
  }

  /** {@code stapled} in the order of {@code offered}; empty entries stand for none. */
  public static Staples of(List<X509Certificate> offered, List<byte[]> stapled) {
    Map<X509Certificate, byte[]> responses = new HashMap<>();
    for (int i = 0; i < offered.size() && i < stapled.size(); i++) {
      if (stapled.get(i) != null && stapled.get(i).length > 0) {
        responses.put(offered.get(i), stapled.get(i));
      }
    }
    return new Staples(responses);
  }

  public boolean isEmpty() {
    return responses.isEmpty();
  }

  /** The response stapled for {@code certificate}, or null. */
  byte[] forCertificate(X509Certificate certificate) {
    return responses.get(certificate);
  }
}
