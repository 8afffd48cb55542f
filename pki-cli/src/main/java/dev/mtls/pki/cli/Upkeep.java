package dev.mtls.pki.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What a serving command does now and then besides answering (serve: keep crl.pem current), on a thread of its own
 * until closed. A failure is said once on the error stream, not at every round, and the next round tries again.
 */
final class Upkeep implements AutoCloseable {
  private final ScheduledExecutorService thread;
  private String lastFailure;

  private Upkeep(ScheduledExecutorService thread) {
    this.thread = thread;
  }

  /** Runs {@code task} every {@code interval}, the first time one interval from now; a null task does nothing. */
  static Upkeep every(Duration interval, Runnable task, PrintWriter err) {
    if (task == null) {
      return new Upkeep(null);
    }
    ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread daemon = new Thread(runnable, "pki-upkeep");
      daemon.setDaemon(true);
      return daemon;
    });
    Upkeep upkeep = new Upkeep(thread);
    thread.scheduleWithFixedDelay(() -> upkeep.run(task, err), interval.toMillis(), interval.toMillis(),
        TimeUnit.MILLISECONDS);
    return upkeep;
  }

  private void run(Runnable task, PrintWriter err) {
    try {
      task.run();
      lastFailure = null;
    } catch (RuntimeException e) {
      String failure = String.valueOf(e.getMessage());
      if (!Objects.equals(failure, lastFailure)) {
        err.println("warning: " + failure + " (tried again every round until it works)");
        err.flush();
      }
      lastFailure = failure;
    }
  }

  @Override
  public void close() {
    if (thread != null) {
      thread.shutdownNow();
      try {
        // A round under way finishes before the CA it uses is closed.
        thread.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
