package dev.mtls.pki;

import java.time.Duration;

/**
 * What a leaf certificate may be used for. The CA decides the extensions from the profile; nothing in a
 * request can add an EKU or make a certificate a CA.
 */
public enum Profile {
  /** EKU serverAuth; needs at least one DNS or IP SAN; KU digitalSignature (+ keyEncipherment for RSA). */
  SERVER(Duration.ofDays(90)),
  /** EKU clientAuth only; identified by its subject DN; SANs optional. KU digitalSignature. */
  CLIENT(Duration.ofDays(90));

  private final Duration defaultValidity;

  Profile(Duration defaultValidity) {
    this.defaultValidity = defaultValidity;
  }

  public Duration defaultValidity() {
    return defaultValidity;
  }

  public static Profile fromCliName(String name) {
    return switch (name) {
      case "server" -> SERVER;
      case "client" -> CLIENT;
      default -> throw new IllegalArgumentException("unknown profile '" + name + "'; expected server or client");
    };
  }
}
