package dev.mtls.client.cli;

import com.sun.management.OperatingSystemMXBean;
import dev.mtls.client.Diagnosis;
import dev.mtls.client.HttpVersion;
import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsException;
import dev.mtls.client.MtlsResponse;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.hc.core5.http.ClassicHttpRequest;

/**
 * {@code --repeat N --concurrency C}: N requests, C at a time, sharing one client, counted by status and HTTP
 * version. Over HTTP/1.1, C threads each send one request at a time (and hold a connection each); with
 * {@code --http2}, one thread keeps C requests in flight through the async client, as streams on one connection.
 * With {@code --rate R}, request i is due R-th of a second after request i-1 whatever the answers do (an open
 * loop, as users arrive), and its latency counts from when it was due.
 */
final class LoadRun {
  /**
   * What the run saw: seconds taken, responses by status and by HTTP version, the failures' diagnoses, the
   * process's CPU time, and each request's latency.
   */
  record Result(double seconds, Map<Integer, Integer> statuses, Map<HttpVersion, Integer> versions,
      List<Diagnosis> failures, OptionalLong cpuNanos, Latencies latencies) {}

  private final MtlsClient client;
  private final Supplier<ClassicHttpRequest> request;
  private final int requests;
  private final int concurrency;
  private final boolean async;
  private final long intervalNanos;
  private final long[] latencies;
  private long start;
  private final Map<Integer, Integer> statuses = new TreeMap<>();
  private final Map<HttpVersion, Integer> versions = new EnumMap<>(HttpVersion.class);
  private final List<Diagnosis> failures = Collections.synchronizedList(new ArrayList<>());

  /** {@code rate}: requests per second, or 0 for each as soon as the one before it on its thread or slot ended. */
  LoadRun(MtlsClient client, Supplier<ClassicHttpRequest> request, int requests, int concurrency, boolean async,
      int rate) {
    this.client = client;
    this.request = request;
    this.requests = requests;
    this.concurrency = concurrency;
    this.async = async;
    this.intervalNanos = rate > 0 ? 1_000_000_000L / rate : 0;
    this.latencies = new long[requests];
  }

  Result run() throws Exception {
    OptionalLong cpuBefore = processCpuNanos();
    start = System.nanoTime();
    if (async) {
      runInFlight();
    } else {
      runOnThreads();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    OptionalLong cpuAfter = processCpuNanos();
    OptionalLong cpu = cpuBefore.isPresent() && cpuAfter.isPresent()
        ? OptionalLong.of(cpuAfter.getAsLong() - cpuBefore.getAsLong()) : OptionalLong.empty();
    synchronized (this) {
      return new Result(seconds, new TreeMap<>(statuses), new EnumMap<>(versions), List.copyOf(failures), cpu,
          new Latencies(latencies));
    }
  }

  private void runOnThreads() throws Exception {
    AtomicInteger next = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(concurrency);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < concurrency; t++) {
        workers.add(threads.submit(() -> {
          for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
            long due = awaitDue(i);
            try {
              answered(client.execute(request.get()));
            } catch (MtlsException e) {
              failures.add(e.getDiagnosis());
            }
            ended(i, due);
          }
          return null;
        }));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
    } finally {
      threads.shutdownNow();
    }
  }

  /** Each request ends within the client's timeouts, so the run does too. */
  private void runInFlight() throws InterruptedException {
    Semaphore slots = new Semaphore(concurrency);
    CountDownLatch ended = new CountDownLatch(requests);
    for (int i = 0; i < requests; i++) {
      slots.acquire();
      int index = i;
      long due = awaitDue(i);
      client.executeAsync(request.get()).whenComplete((response, failure) -> {
        if (response != null) {
          answered(response);
        } else {
          Throwable cause = failure instanceof CompletionException wrapped ? wrapped.getCause() : failure;
          failures.add(cause instanceof MtlsException e ? e.getDiagnosis()
              : new Diagnosis(Diagnosis.Kind.OTHER, "The request failed.", "See the cause.", String.valueOf(cause)));
        }
        ended(index, due);
        slots.release();
        ended.countDown();
      });
    }
    ended.await();
  }

  /** Waits until request {@code i} is due, with {@code --rate}; returns when it was due (now, without). */
  private long awaitDue(int i) {
    if (intervalNanos == 0) {
      return System.nanoTime();
    }
    long due = start + i * intervalNanos;
    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
      LockSupport.parkNanos(wait);
    }
    return due;
  }

  private synchronized void ended(int i, long due) {
    latencies[i] = System.nanoTime() - due;
  }

  /** The CPU time of the whole process (every thread, the JIT's too), where the JVM tells it. */
  private static OptionalLong processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
      long nanos = os.getProcessCpuTime();
      return nanos >= 0 ? OptionalLong.of(nanos) : OptionalLong.empty();
    }
    return OptionalLong.empty();
  }

  private synchronized void answered(MtlsResponse response) {
    statuses.merge(response.status(), 1, Integer::sum);
    versions.merge(response.version(), 1, Integer::sum);
  }
}
