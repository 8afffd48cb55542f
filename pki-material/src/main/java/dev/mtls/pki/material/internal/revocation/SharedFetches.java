package dev.mtls.pki.material.internal.revocation;

import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.trust.RevocationSource.Fetch;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs fetches on daemon threads so that a caller waits at most the timeout: one fetch per key at a time (callers
 * asking the same meanwhile wait for that one), and a source that failed is not asked again until its retry time,
 * so while a responder is down handshakes are decided at once, not after a timeout each.
 */
final class SharedFetches {
  // Beyond the exchange's own bound: the time for a thread to pick the fetch up and hand its result back.
  private static final long HAND_OVER_MILLIS = 250;

  private final FetchPolicy policy;
  private final AnswerCache<URI, Fetch<?>> down = new AnswerCache<>();
  private final Map<Object, CompletableFuture<?>> inFlight = new ConcurrentHashMap<>();
  private final ExecutorService fetchers = Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "mtls-revocation-fetch");
    thread.setDaemon(true);
    return thread;
  });

  SharedFetches(FetchPolicy policy) {
    this.policy = policy;
  }

  /**
   * Runs {@code fetch} for {@code key} (compared by equals: an {@link OcspKey}, a CRL's URL) unless the same fetch is already running (then waits for that one), and
   * waits at most the timeout. A failure marks {@code uri} down until the retry time.
   */
  @SuppressWarnings("unchecked")
  <T> Fetch<T> once(Object key, URI uri, Instant at, Supplier<Fetch<T>> fetch) {
    Fetch<?> failed = down.current(uri, at);
    if (failed != null) {
      return Fetch.failed(uri.toString(), failed.failure(), failed.until());
    }
    CompletableFuture<Fetch<T>> future = (CompletableFuture<Fetch<T>>) inFlight.computeIfAbsent(key,
        k -> CompletableFuture.supplyAsync(fetch, fetchers));
    Fetch<T> result;
    try {
      result = future.get(policy.timeout().toMillis() + HAND_OVER_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      result = Fetch.failed(uri.toString(), policy.tooSlow(), policy.retryAt(at));
    } catch (ExecutionException e) {
      result = Fetch.failed(uri.toString(), "failed: " + SafeText.escape(String.valueOf(e.getCause())),
          policy.retryAt(at));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result = Fetch.failed(uri.toString(), "was not asked: interrupted", policy.retryAt(at));
    } finally {
      if (future.isDone()) {
        inFlight.remove(key, future);
      }
    }
    if (!result.succeeded()) {
      down.remember(uri, result, at);
    } else {
      down.forget(uri);
    }
    return result;
  }
}
