package dev.mtls.server.internal.observe;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.Verdict;
import dev.mtls.server.AbortedHandshake;
import dev.mtls.server.Rejection;
import dev.mtls.server.ServerListener;
import dev.mtls.server.ServerLoggers;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener every server has for refusals: a WARN line per refused client, saying who and why:
 *
 * <pre>
 * rejected client 127.0.0.1:53122: expired; subject "CN=bob,OU=readers,O=Demo", issuer "CN=Demo Issuing CA"; the client certificate "CN=bob,OU=readers,O=Demo" expired on 2026-11-29T10:00:00Z
 * rejected client 127.0.0.1:53124: no certificate; the client sent no certificate and this server requires one
 * 37 more clients rejected like this in the last 10 s: no certificate
 * </pre>
 *
 * A refusal flood must not become a log flood: the first refusal for a reason and issuer in an interval is logged
 * whole, the others of that interval are counted and summed up in one line when it ends. Events and metrics still
 * see every one. Undertow reports these failures only at DEBUG. Subject, issuer and sentence come from the peer's
 * certificate and are escaped.
 */
public final class RejectionLog implements ServerListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerLoggers.REFUSALS);

  private record Key(Reason reason, String issuer) {}

  /** One interval of refusals alike: when it started, and how many were not logged. */
  private static final class Window {
    final long startedNanos;
    int suppressed;

    Window(long startedNanos) {
      this.startedNanos = startedNanos;
    }
  }

  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final Map<Key, Window> windows = new HashMap<>();
  private ScheduledExecutorService flusher;

  public RejectionLog(Duration interval) {
    this(interval, System::nanoTime);
  }

  /** With its own time source, for tests about intervals that should not wait them out. */
  RejectionLog(Duration interval, LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.intervalNanos = interval.toNanos();
  }

  @Override
  public void aborted(AbortedHandshake handshake) {
    LOG.info("client {} aborted the TLS handshake: {}", handshake.peer(), handshake.alert());
  }

  @Override
  public void refused(Rejection rejection) {
    Verdict verdict = rejection.verdict();
    X509Certificate leaf = verdict.leaf().orElse(null);
    String issuer = leaf == null ? "" : DistinguishedName.of(leaf.getIssuerX500Principal()).toDisplayString();
    Key key = new Key(verdict.reason(), issuer);
    long now = nanoTime.getAsLong();
    synchronized (this) {
      Window window = windows.get(key);
      if (window != null && now - window.startedNanos < intervalNanos) {
        window.suppressed++;
        scheduleFlush();
        return;
      }
      if (window != null) {
        summarize(key, window);
      }
      windows.put(key, new Window(now));
    }
    LOG.warn("rejected client {}: {}", rejection.peer(), rejection.describe());
  }

  /** Sums up the intervals that have ended. */
  public synchronized void flush() {
    long now = nanoTime.getAsLong();
    for (Iterator<Map.Entry<Key, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Key, Window> entry = it.next();
      if (now - entry.getValue().startedNanos >= intervalNanos) {
        summarize(entry.getKey(), entry.getValue());
        it.remove();
      }
    }
  }

  /** Sums up every interval, ended or not, and stops the flushing thread. */
  @Override
  public synchronized void close() {
    windows.forEach(this::summarize);
    windows.clear();
    if (flusher != null) {
      flusher.shutdownNow();
      flusher = null;
    }
  }

  private void scheduleFlush() {
    if (flusher == null) {
      flusher = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "mtls-rejection-log");
        thread.setDaemon(true);
        return thread;
      });
      long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), intervalNanos / 2);
      flusher.scheduleWithFixedDelay(this::flush, period, period, TimeUnit.NANOSECONDS);
    }
  }

  private void summarize(Key key, Window window) {
    if (window.suppressed > 0) {
      Duration interval = Duration.ofNanos(intervalNanos);
      LOG.warn("{} more client(s) rejected like this in the last {}: {}{}", window.suppressed,
          interval.toMillis() % 1000 == 0 ? interval.toSeconds() + " s" : interval.toMillis() + " ms",
          key.reason().words(),
          key.issuer().isEmpty() ? "" : "; issuer \"" + key.issuer() + "\"");
    }
  }
}
