package dev.mtls.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A legitimate client beside an attack: it sends a request every 20 ms on a thread of its own until stopped,
 * counts the answers 200 and keeps every other outcome, so an abuse test can require progress during and after the
 * attack and no failure at all.
 *
 * <pre>{@code
 * SteadyClient good = SteadyClient.start("good-client", () -> probe.get(port, "/whoami").status());
 * good.awaitServed(20);
 * ... attack ...
 * good.stop();
 * assertThat(good.failures()).isEmpty();
 * }</pre>
 */
public final class SteadyClient {
  /** One request; returns the status it was answered with, or throws what went wrong. */
  public interface Request {
    int send() throws IOException, InterruptedException;
  }

  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final AtomicInteger served = new AtomicInteger();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  private SteadyClient(String name, Request request) {
    this.thread = new Thread(() -> {
      while (running.get()) {
        try {
          int status = request.send();
          if (status == 200) {
            served.incrementAndGet();
          } else {
            failures.add("HTTP " + status);
          }
          // The pace of a legitimate client beside the attacks, not a wait for anything.
          Thread.sleep(20);
        } catch (IOException e) {
          failures.add(String.valueOf(e));
        } catch (InterruptedException e) {
          return;
        }
      }
    }, name);
  }

  public static SteadyClient start(String name, Request request) {
    SteadyClient client = new SteadyClient(name, request);
    client.thread.start();
    return client;
  }

  /** Requests answered 200 so far. */
  public int served() {
    return served.get();
  }

  /** Every other outcome so far: a status, or what was thrown. */
  public List<String> failures() {
    return List.copyOf(failures);
  }

  /** Waits until {@code count} requests in all have been answered 200. */
  public void awaitServed(int count) {
    Eventually.within(Duration.ofSeconds(10)).until(count + " requests served", () -> served.get() >= count);
  }

  /** Stops after the request in progress. */
  public void stop() throws InterruptedException {
    running.set(false);
    thread.join(15_000);
  }
}
