package dev.mtls.pki.material.reload;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Loads a set of {@link MaterialUnit}s and polls them for changes: each unit on its own, so one broken file never
 * holds back another's change. Every outcome goes to the listeners.
 */
public final class MaterialReloader implements AutoCloseable {
  private final List<MaterialUnit<?>> units;
  private final List<MaterialListener> listeners = new CopyOnWriteArrayList<>();
  private final Clock clock;
  private ScheduledExecutorService poller;

  public MaterialReloader(List<MaterialUnit<?>> units, Clock clock) {
    this.units = List.copyOf(units);
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  public MaterialReloader listener(MaterialListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener == null"));
    return this;
  }

  /** Loads every unit once, in order; the first that fails throws, naming its file. */
  public List<MaterialEvent> loadAll() {
    List<MaterialEvent> events = new ArrayList<>();
    for (MaterialUnit<?> unit : units) {
      MaterialEvent event = unit.loadInitial(clock.instant());
      events.add(event);
      tell(event);
    }
    return events;
  }

  /** Applies whatever changed (or still failed) since the last poll; returns what happened. */
  public synchronized List<MaterialEvent> poll() {
    List<MaterialEvent> events = new ArrayList<>();
    for (MaterialUnit<?> unit : units) {
      Optional<MaterialEvent> event = unit.poll(clock.instant());
      event.ifPresent(events::add);
      event.ifPresent(this::tell);
    }
    return events;
  }

  /** Polls every {@code interval} on a daemon thread named {@code threadName}; zero does nothing. */
  public synchronized void start(Duration interval, String threadName) {
    if (interval.isZero() || poller != null) {
      return;
    }
    poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, threadName);
      thread.setDaemon(true);
      return thread;
    });
    long millis = interval.toMillis();
    poller.scheduleWithFixedDelay(() -> {
      try {
        poll();
      } catch (RuntimeException e) {
        // A loader bug must not end the polling: the next round tries again.
        tell(new MaterialEvent("reload", MaterialEvent.Outcome.REFUSED, String.valueOf(e), false, clock.instant()));
      }
    }, millis, millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    if (poller != null) {
      poller.shutdownNow();
      poller = null;
    }
  }

  private void tell(MaterialEvent event) {
    for (MaterialListener listener : listeners) {
      listener.onMaterialEvent(event);
    }
  }
}
