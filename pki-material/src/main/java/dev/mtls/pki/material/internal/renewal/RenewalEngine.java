package dev.mtls.pki.material.internal.renewal;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.renewal.RenewalEvent;
import dev.mtls.pki.material.renewal.RenewalFailure;
import dev.mtls.pki.material.renewal.RenewalListener;
import dev.mtls.pki.material.trust.Purpose;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews one identity on a daemon thread of its own: waits until the current certificate is due, then makes a new
 * key and CSR, asks the {@link Enroller}, checks the answer, replaces the pair on disk and asks for a reload.
 * A failed attempt changes nothing on disk and is retried with back-off; the current certificate serves meanwhile.
 */
public final class RenewalEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RenewalEngine.class);
  /**
   * The longest the thread sleeps before it looks at the clock and the files again; shorter for a short-lived
   * certificate (a hundredth of its lifetime, at least 100 ms), so that a clock that jumps is noticed in time.
   */
  public static final Duration TICK = Duration.ofSeconds(30);

  /** What the engine needs besides the exchange itself. */
  public record Parts(String source, PairFiles files, Purpose purpose, Supplier<Collection<X509Certificate>> anchors,
      Clock clock, RenewalListener listener, Runnable afterWrite, Duration tick) {
    public Parts {
      Objects.requireNonNull(files, "files == null");
      Objects.requireNonNull(clock, "clock == null");
      Objects.requireNonNull(listener, "listener == null");
      Objects.requireNonNull(afterWrite, "afterWrite == null");
    }
  }

  private final Enroller enroller;
  private final Parts parts;
  private final SecureRandom random = new SecureRandom();
  private final Object wakeUp = new Object();
  private final Thread thread;
  private volatile boolean closed;
  private volatile Instant nextAttempt;
  private volatile Instant expiresAt;
  // Confined to the engine's thread.
  private BigInteger jitteredSerial;
  private double jitter;
  private BigInteger failingSerial;
  private int failures;
  private Instant retryAt;
  private long tickMillis;

  public RenewalEngine(Enroller enroller, Parts parts) {
    this.enroller = Objects.requireNonNull(enroller, "enroller == null");
    this.parts = parts;
    this.tickMillis = parts.tick().toMillis();
    this.thread = new Thread(this::run, "mtls-renewal");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** When the certificate in the files expires, as last read; null before the first look. */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** When the engine next tries, as last decided; null before the first look. */
  public Instant nextAttempt() {
    return nextAttempt;
  }

  public boolean isRunning() {
    return thread.isAlive();
  }

  @Override
  public void close() {
    closed = true;
    synchronized (wakeUp) {
      wakeUp.notifyAll();
    }
    thread.interrupt();
  }

  private void run() {
    while (!closed) {
      Instant now = parts.clock().instant();
      Instant when = decide(now);
      nextAttempt = when;
      if (!now.isBefore(when)) {
        attempt();
        continue;
      }
      long millis = Math.max(1, Math.min(Duration.between(now, when).toMillis(), tickMillis));
      synchronized (wakeUp) {
        try {
          if (!closed) {
            wakeUp.wait(millis);
          }
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** The next attempt: the retry time while the certificate that failed is still the one in the files, else due. */
  private Instant decide(Instant now) {
    X509Certificate leaf;
    try {
      leaf = parts.files().leaf();
    } catch (RuntimeException e) {
      return retryAt != null ? retryAt : now;
    }
    expiresAt = leaf.getNotAfter().toInstant();
    long lifetime = Duration.between(leaf.getNotBefore().toInstant(), expiresAt).toMillis();
    tickMillis = Math.min(parts.tick().toMillis(), Math.max(100, lifetime / 100));
    if (failingSerial != null && !failingSerial.equals(leaf.getSerialNumber())) {
      // Someone else replaced the files (a person, cert-manager): start afresh from the new certificate.
      failingSerial = null;
      failures = 0;
      retryAt = null;
    }
    return retryAt != null ? retryAt : due(leaf);
  }

  private Instant due(X509Certificate leaf) {
    if (!leaf.getSerialNumber().equals(jitteredSerial)) {
      jitteredSerial = leaf.getSerialNumber();
      jitter = random.nextDouble();
    }
    return RenewalSchedule.due(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant(), jitter);
  }

  private void attempt() {
    X509Certificate leaf = null;
    try {
      Identity current = load();
      leaf = current.certificate();
      tell(new RenewalEvent.Started(leaf.getSerialNumber(), parts.clock().instant()));
      Instant now = parts.clock().instant();
      if (now.isAfter(leaf.getNotAfter().toInstant())) {
        throw new EnrolmentException(RenewalFailure.CURRENT_UNUSABLE, "the certificate in " + parts.files().chain()
            + " expired at " + leaf.getNotAfter().toInstant() + " and cannot authenticate a renewal: enrol again"
            + " (simpleenroll with a token) or install a new certificate; renewal resumes from the new files");
      }
      RenewalRequest request = RenewalRequest.like(leaf);
      List<X509Certificate> answer = enroller.reenroll(request.csr(), current);
      List<X509Certificate> chain = IssuedAnswer.chain(answer, request.keyPair().getPublic(), current,
          parts.anchors().get(), parts.purpose(), parts.clock().instant());
      if (closed) {
        return;
      }
      parts.files().replace(chain, request.keyPair().getPrivate());
      succeeded(leaf, chain.get(0));
    } catch (EnrolmentException e) {
      failed(leaf, e.reason(), e.getMessage());
    } catch (RuntimeException e) {
      failed(leaf, RenewalFailure.BAD_ANSWER, "unexpected: " + e);
    }
  }

  private Identity load() throws EnrolmentException {
    try {
      return parts.files().load();
    } catch (KeyMaterialException | java.io.UncheckedIOException e) {
      throw new EnrolmentException(RenewalFailure.CURRENT_UNUSABLE, e.getMessage(), e);
    }
  }

  private void succeeded(X509Certificate old, X509Certificate fresh) {
    try {
      parts.afterWrite().run();
    } catch (RuntimeException e) {
      // The reload reports its own outcome; the files are right, and the next poll picks them up.
      LOG.warn("Renewed {} but reloading it failed: {}", parts.files().chain(), SafeText.escape(String.valueOf(e)));
    }
    failingSerial = null;
    failures = 0;
    retryAt = null;
    expiresAt = fresh.getNotAfter().toInstant();
    Instant nextDue = due(fresh);
    LOG.info("Renewed {} from {}: serial {} replaces {}, valid until {}, next renewal due {}",
        parts.files().chain(), SafeText.escape(parts.source()), fresh.getSerialNumber().toString(16),
        old.getSerialNumber().toString(16), expiresAt, nextDue);
    tell(new RenewalEvent.Renewed(old.getSerialNumber(), fresh.getSerialNumber(), expiresAt, nextDue,
        parts.clock().instant()));
  }

  private void failed(X509Certificate leaf, RenewalFailure reason, String message) {
    Instant now = parts.clock().instant();
    failures++;
    failingSerial = leaf == null ? null : leaf.getSerialNumber();
    Instant notBefore = leaf == null ? now : leaf.getNotBefore().toInstant();
    Instant notAfter = leaf == null ? now.plus(RenewalSchedule.LONGEST_RETRY.multipliedBy(12)) : leaf.getNotAfter()
        .toInstant();
    retryAt = RenewalSchedule.retry(now, notBefore, notAfter, failures);
    String safe = SafeText.escape(String.valueOf(message));
    boolean runningOut = leaf != null && RenewalSchedule.runningOut(now, notBefore, notAfter);
    if (runningOut) {
      LOG.warn("The certificate in {} expires at {}, less than a sixth of its lifetime from now, and renewing it from"
          + " {} failed {} times in a row ({}: {}); next try at {}. Check that the CA is up and still issues to this"
          + " subject.", parts.files().chain(), notAfter, SafeText.escape(parts.source()), failures, reason, safe,
          retryAt);
    } else if (reason == RenewalFailure.UNAVAILABLE) {
      LOG.info("Renewing {} from {} failed ({}: {}); next try at {}", parts.files().chain(),
          SafeText.escape(parts.source()), reason, safe, retryAt);
    } else {
      LOG.warn("Renewing {} from {} failed ({}: {}); next try at {}", parts.files().chain(),
          SafeText.escape(parts.source()), reason, safe, retryAt);
    }
    tell(new RenewalEvent.Failed(reason, safe, failures, retryAt, now));
  }

  private void tell(RenewalEvent event) {
    try {
      parts.listener().onRenewalEvent(event);
    } catch (RuntimeException e) {
      LOG.warn("A renewal listener failed on {}: {}", event, SafeText.escape(String.valueOf(e)));
    }
  }
}
