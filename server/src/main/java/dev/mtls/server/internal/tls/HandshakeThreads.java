package dev.mtls.server.internal.tls;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that do a TLS handshake's work: the JDK engine's delegated tasks, which check signatures and call the
 * trust manager, and so wait for an OCSP responder or a CRL download when the trust asks one, or for our own
 * responder when the server staples. Without an executor of its own, Undertow runs these tasks on the connection's
 * XNIO I/O thread (its {@code SslConduit.runTasks}), which serves every other connection of that thread: one
 * hanging responder stalled them all. When a handshake may wait on the network, a fixed number of threads takes
 * them, from a queue as long as the connections the server accepts at once; a task beyond that is refused, and
 * Undertow closes its connection. When nothing in a handshake can wait (trust anchors and CRL files only, no
 * stapling), its tasks are CPU work and run on the I/O thread: the hand-off to another thread and back cost a
 * quarter of the full handshakes a second (Temurin 25, 2 cores, alternating pairs: 335-406 on handshake threads,
 * 410-539 on the I/O thread; docs/performance.md).
 */
public final class HandshakeThreads implements Executor, AutoCloseable {
  private final ThreadPoolExecutor pool;

  /** Without threads: each task runs on the thread that hands it over. */
  private HandshakeThreads() {
    this.pool = null;
  }

  /**
   * @param threads   how many handshakes may be worked on (or wait for a revocation answer) at once
   * @param queueSize how many more may wait for a thread
   */
  public HandshakeThreads(int threads, int queueSize) {
    AtomicInteger numbers = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(queueSize),
        task -> {
          Thread thread = new Thread(task, "mtls-handshake-" + numbers.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        }, new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
  }

  /**
   * Enough threads that handshakes waiting up to the revocation timeout each leave room for the others (eight per
   * core, as many as Undertow's worker pool), and a queue as long as the connection limit.
   */
  public static HandshakeThreads forConnections(int maxConnections) {
    return new HandshakeThreads(Math.max(16, 8 * Runtime.getRuntime().availableProcessors()),
        Math.max(1, maxConnections));
  }

  /**
   * For a server whose handshakes {@code mayWaitOnNetwork} (a revocation source, or stapling): its own threads, as
   * {@link #forConnections}; otherwise each task runs at once on the thread that hands it over, the I/O thread.
   */
  public static HandshakeThreads forServer(int maxConnections, boolean mayWaitOnNetwork) {
    return mayWaitOnNetwork ? forConnections(maxConnections) : new HandshakeThreads();
  }

  @Override
  public void execute(Runnable task) throws RejectedExecutionException {
    if (pool == null) {
      task.run();
    } else {
      pool.execute(task);
    }
  }

  /** Interrupts the handshakes still waiting (a revocation fetch gives up at once) and takes no more. */
  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
