package dev.mtls.server.internal.observe;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.trust.CrlSet;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.server.CrlRunningOut;
import dev.mtls.server.ServerListener;
import java.math.BigInteger;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns before a CRL in service runs out: once it has a quarter of its validity (nextUpdate - thisUpdate) or less
 * left, a WARN and a {@link CrlRunningOut} event, once per CRL. A CRL's validity says how often its publisher renews
 * it (a publisher renews at half of it at the latest), so a quarter left means the publisher missed its turn and
 * leaves time to act before the CA's clients are refused. Checked every reload interval and at each check asked for.
 */
public final class CrlDeadlines implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CrlDeadlines.class);

  /** One CRL in service: the same issuer and number from the same source is the same CRL. */
  private record Seen(String source, String issuer, BigInteger number) {}

  private final Supplier<Trust> trust;
  private final Clock clock;
  private final ServerListener listeners;
  /** The CRLs in service already warned about; bounded by what is in service. */
  private final Set<Seen> warned = new HashSet<>();
  private ScheduledExecutorService checker;

  public CrlDeadlines(Supplier<Trust> trust, Clock clock, ServerListener listeners) {
    this.trust = trust;
    this.clock = clock;
    this.listeners = listeners;
  }

  /** Warns about each CRL in service that has just entered the last quarter of its validity. */
  public synchronized void check() {
    Instant now = clock.instant();
    Set<Seen> inService = new HashSet<>();
    for (Map.Entry<String, List<X509CRL>> source : trust.get().crls().sources().entrySet()) {
      for (X509CRL crl : source.getValue()) {
        Seen seen = new Seen(source.getKey(), DistinguishedName.of(crl.getIssuerX500Principal()).toDisplayString(),
            CrlSet.number(crl));
        inService.add(seen);
        Instant nextUpdate = crl.getNextUpdate().toInstant();
        Duration validity = Duration.between(crl.getThisUpdate().toInstant(), nextUpdate);
        Duration left = Duration.between(now, nextUpdate);
        if (left.compareTo(validity.dividedBy(4)) <= 0 && warned.add(seen)) {
          warn(new CrlRunningOut(seen.source(), seen.issuer(), seen.number(), nextUpdate, left, now));
        }
      }
    }
    warned.retainAll(inService);
  }

  /** Checks every {@code interval} from now (zero: only when asked) on a daemon thread. */
  public synchronized void start(Duration interval) {
    if (interval.isZero() || checker != null) {
      return;
    }
    checker = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "mtls-crl-deadlines");
      thread.setDaemon(true);
      return thread;
    });
    checker.scheduleWithFixedDelay(this::checkQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    if (checker != null) {
      checker.shutdownNow();
      checker = null;
    }
  }

  private void checkQuietly() {
    try {
      check();
    } catch (RuntimeException e) {
      // A check that fails must not end the checking: the next round tries again.
      LOG.warn("checking the CRLs' nextUpdate failed: {}", SafeText.escape(String.valueOf(e)));
    }
  }

  private void warn(CrlRunningOut warning) {
    LOG.warn("the CRL of {} (number {}) from {} runs out at {}, in {} min: less than a quarter of its validity is"
        + " left. Unless a fresh CRL replaces it by then, every client of that CA is refused (CRL out of date):"
        + " check whatever publishes it (pki crl, pki serve)", warning.issuer(), warning.number(),
        SafeText.escape(warning.source()), warning.nextUpdate(), warning.left().toMinutes());
    listeners.crlRunningOut(warning);
  }
}
