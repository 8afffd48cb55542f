package dev.mtls.client.internal.diagnosis;

import dev.mtls.client.Diagnosis;
import dev.mtls.client.PreflightCheck;
import dev.mtls.client.internal.tls.Generation;
import dev.mtls.pki.material.revocation.RevocationSettings;
import dev.mtls.pki.material.trust.Verdict;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Our own certificate chain judged before we connect: the pre-flight report of the material generation in service,
 * kept for a minute (the verdict depends on the time), and, when enforced, the diagnosis of a report that blocks a
 * request. The report also carries what our CA publishes about our certificate ({@link OwnRevocation}): asked in the
 * background when the report is made, it counts once it has come, so a revoked certificate is named as revoked.
 */
public final class Preflight implements AutoCloseable {
  private static final Duration INTERVAL = Duration.ofMinutes(1);
  /** The longest a diagnosis waits for our CA's answer: the fetch's own bound, and a moment to hand it over. */
  private static final Duration STATUS_WAIT = RevocationSettings.REVOCATION_TIMEOUT.defaultValue().plusMillis(500);

  private final Supplier<Generation> material;
  private final Clock clock;
  private final Duration expiryWarning;
  private final boolean enforced;
  private final OwnRevocation ownStatus;
  private volatile Cached cached;

  /**
   * A report, the question to our CA that may still turn it into a revocation (null: nothing to ask), and the answer
   * of the question before it for the same material, which holds until the new one comes.
   */
  private record Cached(long generation, PreflightCheck.Report report, Instant until,
      CompletableFuture<Optional<Verdict>> status, Optional<Verdict> before) {
    Optional<Verdict> known() {
      return status != null && status.isDone() && !status.isCompletedExceptionally() ? status.join() : before;
    }
  }

  /**
   * @param enforced  whether a blocking report fails each request before connecting (else the certificate is sent
   *                  anyway, to see what a server makes of it)
   * @param ownStatus whether to ask our CA about our certificate at the places it names
   */
  public Preflight(Supplier<Generation> material, Clock clock, Duration expiryWarning, boolean enforced,
      boolean ownStatus) {
    this.material = material;
    this.clock = clock;
    this.expiryWarning = expiryWarning;
    this.enforced = enforced;
    this.ownStatus = ownStatus ? new OwnRevocation() : null;
  }

  /** The report on the chain we present now, with our CA's answer if it has come; null without an identity. */
  public PreflightCheck.Report report() {
    Cached last = current();
    return last == null ? null : withStatus(last, last.known());
  }

  /**
   * The report, waiting (a few seconds at most) for our CA's answer if it is still on its way: for explaining a
   * failure, where the reason matters more than the moment.
   */
  public PreflightCheck.Report reportAwaitingStatus() {
    Cached last = current();
    if (last == null || last.status() == null) {
      return last == null ? null : last.report();
    }
    Optional<Verdict> status;
    try {
      status = last.status().get(STATUS_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = last.before();
    } catch (ExecutionException | TimeoutException e) {
      status = last.before();
    }
    return withStatus(last, status);
  }

  /** Why a request must fail before connecting, or null when it may be sent. */
  public Diagnosis refusal() {
    PreflightCheck.Report report = enforced ? report() : null;
    return report != null && report.blocking() ? refusal(report.verdict()) : null;
  }

  @Override
  public void close() {
    if (ownStatus != null) {
      ownStatus.close();
    }
  }

  private Cached current() {
    Generation generation = material.get();
    if (generation.identity() == null) {
      return null;
    }
    Instant now = clock.instant();
    Cached last = cached;
    if (last == null || last.generation() != generation.number() || now.isAfter(last.until())) {
      List<X509Certificate> chain = generation.identity().chain();
      PreflightCheck.Report report = PreflightCheck.check(chain, generation.trust(), now, expiryWarning);
      // A report that blocks already says what a server will; else our CA may know more.
      boolean ask = ownStatus != null && !report.blocking() && OwnRevocation.published(chain);
      Optional<Verdict> before = last != null && last.generation() == generation.number() ? last.known()
          : Optional.empty();
      last = new Cached(generation.number(), report, now.plus(INTERVAL),
          ask ? ownStatus.ask(chain, generation.trust(), now) : null, before);
      cached = last;
    }
    return last;
  }

  private static PreflightCheck.Report withStatus(Cached cached, Optional<Verdict> status) {
    PreflightCheck.Report report = cached.report();
    return status.isEmpty() ? report : new PreflightCheck.Report(status.get(), report.expires(), Optional.empty());
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
