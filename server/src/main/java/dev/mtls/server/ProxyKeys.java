package dev.mtls.server;

import dev.mtls.pki.material.Fingerprint;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The TLS-terminating proxies a server believes about its clients, pinned by their public keys: the SHA-256 of each
 * proxy certificate's SubjectPublicKeyInfo (as HPKP and {@code anchor.sha256=} pin keys), in the notation of
 * {@link Fingerprint}.
 *
 * <p>Why a key and not a name: a proxy that forwards {@code Client-Cert} asserts whichever client certificate it
 * likes, and certificates are public, so whoever is taken for the proxy can be served as any client, an admin
 * included. A name is what a CA is asked for (a signing policy such as {@code CN=*} issues {@code CN=edge-proxy} to
 * anyone who asks); a key is what only the proxy holds. A renewed proxy certificate with the same key keeps its pin;
 * for a new key, list both pins while the proxy changes over.
 */
public final class ProxyKeys {
  private final Set<String> fingerprints;

  private ProxyKeys(Set<String> fingerprints) {
    this.fingerprints = Set.copyOf(fingerprints);
  }

  /**
   * Pins from SHA-256 fingerprints of public keys, as {@code openssl pkey -pubin -outform der | sha256sum} prints
   * them (hex, colons allowed, either case); an {@link IllegalArgumentException} names one that is not.
   */
  public static ProxyKeys of(List<String> fingerprints) {
    if (fingerprints.isEmpty()) {
      throw new IllegalArgumentException("no proxy key given");
    }
    Set<String> parsed = new LinkedHashSet<>();
    for (String fingerprint : fingerprints) {
      parsed.add(Fingerprint.parse(fingerprint));
    }
    return new ProxyKeys(parsed);
  }

  /** Pins the public keys of the proxies' certificates. */
  public static ProxyKeys ofCertificates(List<X509Certificate> certificates) {
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("no proxy certificate given");
    }
    Set<String> keys = new LinkedHashSet<>();
    certificates.forEach(certificate -> keys.add(Fingerprint.publicKeySha256(certificate)));
    return new ProxyKeys(keys);
  }

  /** Whether {@code certificate}'s public key is one of the pins. */
  public boolean pins(X509Certificate certificate) {
    return fingerprints.contains(Fingerprint.publicKeySha256(certificate));
  }

  /** The pins, in the {@link Fingerprint} notation. */
  public Set<String> fingerprints() {
    return fingerprints;
  }

  @Override
  public String toString() {
    return String.join(", ", fingerprints.stream().sorted().toList());
  }
}
