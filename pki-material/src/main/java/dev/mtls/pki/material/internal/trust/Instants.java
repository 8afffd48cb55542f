package dev.mtls.pki.material.internal.trust;

import java.time.Instant;

final class Instants {
  private Instants() {}

  static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
