package dev.mtls.client.internal.diagnosis;

import dev.mtls.client.Diagnosis;
import dev.mtls.client.PreflightCheck;
import dev.mtls.client.internal.tls.Generation;
import dev.mtls.pki.material.trust.Verdict;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Our own certificate chain judged before we connect: the pre-flight report of the material generation in service,
 * kept for a minute (the verdict depends on the time), and, when enforced, the diagnosis of a report that blocks a
 * request.
 */
public final class Preflight {
  private static final Duration INTERVAL = Duration.ofMinutes(1);

  private final Supplier<Generation> material;
  private final Clock clock;
  private final Duration expiryWarning;
  private final boolean enforced;
  private volatile Cached cached;

  private record Cached(long generation, PreflightCheck.Report report, Instant until) {}

  /**
   * @param enforced whether a blocking report fails each request before connecting (else the certificate is sent
   *                 anyway, to see what a server makes of it)
   */
  public Preflight(Supplier<Generation> material, Clock clock, Duration expiryWarning, boolean enforced) {
    this.material = material;
    this.clock = clock;
    this.expiryWarning = expiryWarning;
    this.enforced = enforced;
  }

  /** The report on the chain we present now; null without an identity. */
  public PreflightCheck.Report report() {
    Generation generation = material.get();
    if (generation.identity() == null) {
      return null;
    }
    Instant now = clock.instant();
    Cached last = cached;
    if (last == null || last.generation() != generation.number() || now.isAfter(last.until())) {
      last = new Cached(generation.number(),
          PreflightCheck.check(generation.identity().chain(), generation.trust(), now, expiryWarning),
          now.plus(INTERVAL));
      cached = last;
    }
    return last.report();
  }

  /** Why a request must fail before connecting, or null when it may be sent. */
  public Diagnosis refusal() {
    PreflightCheck.Report report = enforced ? report() : null;
    return report != null && report.blocking() ? refusal(report.verdict()) : null;
  }

  private static Diagnosis refusal(Verdict verdict) {
    Diagnosis.Kind kind = switch (verdict.reason()) {
      case EXPIRED -> Diagnosis.Kind.OWN_CERTIFICATE_EXPIRED;
      case NOT_YET_VALID -> Diagnosis.Kind.OWN_CERTIFICATE_NOT_YET_VALID;
      case WRONG_PURPOSE, KEY_USAGE -> Diagnosis.Kind.OWN_CERTIFICATE_NOT_FOR_CLIENTS;
      default -> Diagnosis.Kind.OWN_CERTIFICATE_REFUSED;
    };
    String sentence = "Our certificate would be refused: " + verdict.reason().words() + ": " + verdict.sentence()
        + ".";
    return new Diagnosis(kind, verdict.reason(), sentence, verdict.reason().hint(),
        "pre-flight check before connecting; nothing was sent");
  }
}
