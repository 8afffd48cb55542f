package dev.mtls.pki.cli;

import dev.mtls.pki.Pkcs12;
import java.util.Locale;

/** The PKCS#12 profiles by their command-line names. */
final class Pkcs12Profiles {
  private Pkcs12Profiles() {}

  static Pkcs12.Profile parse(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "modern" -> Pkcs12.Profile.MODERN;
      case "compat" -> Pkcs12.Profile.COMPAT;
      default -> throw new IllegalArgumentException("unknown PKCS#12 profile '" + name
          + "'; expected modern or compat");
    };
  }
}
