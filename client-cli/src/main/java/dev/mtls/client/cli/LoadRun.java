package dev.mtls.client.cli;

import dev.mtls.client.Diagnosis;
import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.hc.core5.http.ClassicHttpRequest;

/** {@code --repeat N --concurrency C}: N requests over C threads sharing one client, counted by status. */
final class LoadRun {
  /** What the run saw: seconds taken, responses by status, and the failures' diagnoses. */
  record Result(double seconds, Map<Integer, Integer> statuses, List<Diagnosis> failures) {}

  private final MtlsClient client;
  private final Supplier<ClassicHttpRequest> request;
  private final int requests;
  private final int concurrency;

  LoadRun(MtlsClient client, Supplier<ClassicHttpRequest> request, int requests, int concurrency) {
    this.client = client;
    this.request = request;
    this.requests = requests;
    this.concurrency = concurrency;
  }

  Result run() throws Exception {
    AtomicInteger next = new AtomicInteger();
    Map<Integer, Integer> statuses = new TreeMap<>();
    List<Diagnosis> failures = Collections.synchronizedList(new ArrayList<>());
    ExecutorService threads = Executors.newFixedThreadPool(concurrency);
    long start = System.nanoTime();
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < concurrency; t++) {
        workers.add(threads.submit(() -> {
          while (next.getAndIncrement() < requests) {
            try {
              int status = client.execute(request.get()).status();
              synchronized (statuses) {
                statuses.merge(status, 1, Integer::sum);
              }
            } catch (MtlsException e) {
              failures.add(e.getDiagnosis());
            }
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
    return new Result((System.nanoTime() - start) / 1e9, statuses, List.copyOf(failures));
  }
}
