package dev.mtls.pki.material.trust;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * The project's one TLS policy, shared by server and client: TLS 1.3 and 1.2 only, only AEAD suites with forward
 * secrecy (TLS 1.2 suites are all ECDHE; TLS 1.3 suites are always ephemeral), and the {@link AlgorithmPolicy} for
 * signature schemes (what a server asks for in its CertificateRequest included) and key-exchange groups.
 */
public final class TlsPolicy {
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  public static final List<String> CIPHER_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256",
      "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private TlsPolicy() {}

  /** An SSLContext over the given managers; apply {@link #parameters} to each engine or socket. */
  public static SSLContext context(KeyManager keyManager, TrustManager trustManager) {
    return context(keyManager, trustManager, null);
  }

  /**
   * The same, from {@code provider}'s TLS implementation instead of the JVM's first (null: the JVM's first); the
   * provider is used for this context only, never installed for the process.
   */
  public static SSLContext context(KeyManager keyManager, TrustManager trustManager, Provider provider) {
    try {
      SSLContext context = provider == null ? SSLContext.getInstance("TLS") : SSLContext.getInstance("TLS", provider);
      context.init(keyManager == null ? null : new KeyManager[] {keyManager},
          new TrustManager[] {trustManager}, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot initialise TLS: " + e.getMessage(), e);
    }
  }

  /** The protocols in {@code protocols} that are in the policy; throws if none is. */
  public static String[] protocols(List<String> protocols) {
    String[] allowed = protocols.stream().filter(PROTOCOLS::contains).toArray(String[]::new);
    if (allowed.length == 0) {
      throw new IllegalArgumentException("no allowed TLS protocol in " + protocols + "; allowed: " + PROTOCOLS);
    }
    return allowed;
  }

  /** The policy's suites that this JDK supports, in policy order. */
  public static String[] cipherSuites(SSLContext context) {
    List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getCipherSuites());
    return CIPHER_SUITES.stream().filter(supported::contains).toArray(String[]::new);
  }

  /** Parameters restricted to the policy; {@code protocols} narrows further (e.g. to force TLS 1.2). */
  public static SSLParameters parameters(SSLContext context, List<String> protocols) {
    SSLParameters parameters = context.getDefaultSSLParameters();
    parameters.setProtocols(protocols(protocols));
    parameters.setCipherSuites(cipherSuites(context));
    parameters.setUseCipherSuitesOrder(true);
    parameters.setAlgorithmConstraints(AlgorithmPolicy.STRICT);
    return parameters;
  }
}
