package dev.mtls.testpki;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * A certificate and its key, with the chain a peer sends: this certificate first, then its issuing CAs, without
 * the root (a peer holds the root as its trust anchor).
 */
public record Issued(X509Certificate certificate, KeyPair keyPair, List<X509Certificate> chain) {
  public Issued {
    chain = List.copyOf(chain);
  }

  public PrivateKey privateKey() {
    return keyPair.getPrivate();
  }

  static List<X509Certificate> prepend(X509Certificate first, List<X509Certificate> rest) {
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(first);
    chain.addAll(rest);
    return chain;
  }
}
