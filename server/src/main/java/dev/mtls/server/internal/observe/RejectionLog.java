package dev.mtls.server.internal.observe;

import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.Verdict;
import dev.mtls.server.AbortedHandshake;
import dev.mtls.server.Http2Abuse;
import dev.mtls.server.Rejection;
import dev.mtls.server.ServerListener;
import dev.mtls.server.ServerLoggers;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener every server has for refusals: a WARN line per refused client, saying who and why, and an INFO line
 * per client that aborted its handshake:
 *
 * <pre>
 * rejected client 127.0.0.1:53122: expired; subject "CN=bob,OU=readers,O=Demo", issuer "CN=Demo Issuing CA"; the client certificate "CN=bob,OU=readers,O=Demo" expired on 2026-11-29T10:00:00Z
 * rejected client 127.0.0.1:53124: no certificate; the client sent no certificate and this server requires one
 * 37 more client(s) rejected in the last 10 s, of 2 kind(s): 30 no certificate, 7 expired
 * </pre>
 *
 * A refusal flood must not become a log flood, and the peers choose what makes refusals differ (an issuer name is
 * anyone's to invent). So the log has a budget per interval that no peer can widen ({@link LineBudget}): the first
 * refusal of each kind (reason and issuer) is logged whole, up to {@link #WHOLE_LINES} lines in all; every other is
 * counted and summed up, by reason, in one line when the interval ends. Aborted handshakes have a budget of their
 * own, by alert, and so do HTTP/2 connections ended for abuse ({@link Http2Abuse}), by reason. Events and metrics still see every one. Undertow reports these failures only at DEBUG. Subject,
 * issuer and sentence come from the peer's certificate and are escaped.
 */
public final class RejectionLog implements ServerListener, AutoCloseable {
  /** Refusals logged whole per interval, whatever their kinds; as many aborted handshakes. */
  static final int WHOLE_LINES = 10;
  /** Kinds told apart per interval (beyond them a summary says "more than"): bounds the memory a flood costs. */
  private static final int MAX_KINDS = 1000;
  /** Reasons are an enum and alerts a short list; a bound all the same. */
  private static final int MAX_GROUPS = 64;

  private static final Logger LOG = LoggerFactory.getLogger(ServerLoggers.REFUSALS);

  /** A kind of refusal: the reason, and the issuer the certificate names (by hash: the name may be long). */
  private record Kind(Reason reason, int issuer) {}

  private final Duration interval;
  private final LineBudget refusals;
  private final LineBudget aborts;
  private final LineBudget http2;
  private ScheduledExecutorService flusher;

  public RejectionLog(Duration interval) {
    this(interval, System::nanoTime);
  }

  /** With its own time source, for tests about intervals that should not wait them out. */
  RejectionLog(Duration interval, LongSupplier nanoTime) {
    this.interval = interval;
    this.refusals = new LineBudget(interval, WHOLE_LINES, MAX_KINDS, MAX_GROUPS, nanoTime);
    this.aborts = new LineBudget(interval, WHOLE_LINES, MAX_KINDS, MAX_GROUPS, nanoTime);
    this.http2 = new LineBudget(interval, WHOLE_LINES, MAX_KINDS, MAX_GROUPS, nanoTime);
  }

  @Override
  public void aborted(AbortedHandshake handshake) {
    LineBudget.Decision decision = aborts.offer(handshake.alert(), handshake.alert());
    logAborts(decision.ended());
    if (decision.whole()) {
      LOG.info("client {} aborted the TLS handshake: {}", handshake.peer(), handshake.alert());
    } else {
      scheduleFlush();
    }
  }

  @Override
  public void refused(Rejection rejection) {
    Verdict verdict = rejection.verdict();
    X509Certificate leaf = verdict.leaf().orElse(null);
    int issuer = leaf == null ? 0 : leaf.getIssuerX500Principal().hashCode();
    LineBudget.Decision decision = refusals.offer(new Kind(verdict.reason(), issuer), verdict.reason().words());
    logRefusals(decision.ended());
    if (decision.whole()) {
      LOG.warn("rejected client {}: {}", rejection.peer(), rejection.describe());
    } else {
      scheduleFlush();
    }
  }

  @Override
  public void http2Abuse(Http2Abuse abuse) {
    LineBudget.Decision decision = http2.offer(abuse.reason(), abuse.reason().words());
    logHttp2(decision.ended());
    if (decision.whole()) {
      LOG.warn("ended the HTTP/2 connection of client {}: {}; it {} (GOAWAY 0x{})", abuse.peer(),
          abuse.reason().words(), abuse.sentence(), Integer.toHexString(abuse.errorCode()));
    } else {
      scheduleFlush();
    }
  }

  /** Sums up the intervals that have ended. */
  public void flush() {
    logRefusals(refusals.flush());
    logAborts(aborts.flush());
    logHttp2(http2.flush());
  }

  /** Sums up the intervals in progress, and stops the flushing thread. */
  @Override
  public void close() {
    logRefusals(refusals.end());
    logAborts(aborts.end());
    logHttp2(http2.end());
    synchronized (this) {
      if (flusher != null) {
        flusher.shutdownNow();
        flusher = null;
      }
    }
  }

  private static void logRefusals(LineBudget.Summary summary) {
    if (summary != null) {
      LOG.warn("{}", summary.line("client(s) rejected"));
    }
  }

  private static void logAborts(LineBudget.Summary summary) {
    if (summary != null) {
      LOG.info("{}", summary.line("client(s) aborted the TLS handshake"));
    }
  }

  private static void logHttp2(LineBudget.Summary summary) {
    if (summary != null) {
      LOG.warn("{}", summary.line("HTTP/2 connection(s) ended"));
    }
  }

  /** A thread that sums up an ended interval when no refusal comes after it; started at the first one counted. */
  private synchronized void scheduleFlush() {
    if (flusher == null) {
      flusher = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "mtls-rejection-log");
        thread.setDaemon(true);
        return thread;
      });
      long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), interval.toNanos() / 2);
      flusher.scheduleWithFixedDelay(this::flush, period, period, TimeUnit.NANOSECONDS);
    }
  }
}
