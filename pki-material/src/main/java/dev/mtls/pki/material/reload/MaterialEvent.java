package dev.mtls.pki.material.reload;

import java.time.Instant;
import java.util.Objects;

/**
 * What happened to one unit of material (an identity, trust anchors, a CRL file) at a load or reload.
 *
 * @param unit     which material, e.g. "server identity" or "CRL file /etc/mtls/crl.pem"
 * @param outcome  applied (now in service) or refused (the material in service stays)
 * @param detail   what was applied, or why it was refused; escaped for logs
 * @param repeated a refusal with the same content and reason as the previous attempt (still broken)
 * @param at       when
 */
public record MaterialEvent(String unit, Outcome outcome, String detail, boolean repeated, Instant at) {
  public enum Outcome { APPLIED, REFUSED }

  public MaterialEvent {
    Objects.requireNonNull(unit, "unit == null");
    Objects.requireNonNull(outcome, "outcome == null");
    Objects.requireNonNull(detail, "detail == null");
    Objects.requireNonNull(at, "at == null");
  }

  public boolean applied() {
    return outcome == Outcome.APPLIED;
  }
}
