package dev.mtls.demo;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What the demo started and must stop: closed last first, each once, whether the demo ends, fails or is stopped with
 * Ctrl-C (then from the JVM's shutdown hook). The learner's ports are free again afterwards.
 */
final class Running implements AutoCloseable {
  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  /** Remembers {@code resource} to close it; returns it. */
  synchronized <T extends AutoCloseable> T add(T resource) {
    started.push(resource);
    return resource;
  }

  @Override
  public synchronized void close() {
    RuntimeException first = null;
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        // The others still get closed; the first failure is reported once they are.
        if (first == null) {
          first = e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
