package dev.mtls.pki.material.internal.revocation;

import dev.mtls.pki.material.trust.RevocationSource.Fetch;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fetched answers (or failures) by key, each good until its own {@code until}. Bounded: one answer per certificate
 * seen must not grow forever, so beyond {@value #LIMIT} the expired ones are dropped, and all of them if that is not
 * enough.
 */
final class AnswerCache<K, V extends Fetch<?>> {
  static final int LIMIT = 4096;

  private final Map<K, V> answers = new ConcurrentHashMap<>();

  /** The answer for {@code key} if it still holds at {@code at}, else null. */
  V current(K key, Instant at) {
    V known = answers.get(key);
    return known != null && known.until().isAfter(at) ? known : null;
  }

  /** The last answer for {@code key}, current or not, or null. */
  V last(K key) {
    return answers.get(key);
  }

  void remember(K key, V value, Instant at) {
    if (answers.size() >= LIMIT) {
      answers.values().removeIf(cached -> !cached.until().isAfter(at));
      if (answers.size() >= LIMIT) {
        answers.clear();
      }
    }
    answers.put(key, value);
  }

  void forget(K key) {
    answers.remove(key);
  }

  int size() {
    return answers.size();
  }
}
