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

  /** The chain with extra certificates appended (e.g. a sub-CA the leaf's issuer forgot). */
  public Issued withChain(List<X509Certificate> chain) {
    return new Issued(certificate, keyPair, chain);
  }

  /** This certificate alone, without its issuers. */
  public Issued leafOnly() {
    return new Issued(certificate, keyPair, List.of(certificate));
  }

  static List<X509Certificate> prepend(X509Certificate first, List<X509Certificate> rest) {
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(first);
    chain.addAll(rest);
    return chain;
  }
}
