package dev.mtls.pki.material.internal.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.trust.RevocationSource.Fetch;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AnswerCacheTest {
  private final Instant now = Instant.parse("2026-12-01T10:00:00Z");
  private final AnswerCache<String, Fetch<String>> cache = new AnswerCache<>();

  private Fetch<String> until(Instant until) {
    return Fetch.of("http://responder.example/ocsp", "answer", until);
  }

  @Test
  void an_answer_holds_until_its_own_until_and_is_still_known_after() {
    cache.remember("alice", until(now.plusSeconds(60)), now);

    assertThat(cache.current("alice", now.plusSeconds(59))).isNotNull();
    assertThat(cache.current("alice", now.plusSeconds(60))).isNull();
    assertThat(cache.last("alice")).as("kept for a source that cannot refresh it").isNotNull();
  }

  @Test
  void beyond_its_limit_the_expired_answers_make_room() {
    for (int i = 0; i < AnswerCache.LIMIT / 2; i++) {
      cache.remember("expired " + i, until(now.plusSeconds(1)), now);
    }
    for (int i = 0; i < AnswerCache.LIMIT / 2; i++) {
      cache.remember("current " + i, until(now.plus(Duration.ofHours(1))), now);
    }

    cache.remember("one more", until(now.plus(Duration.ofHours(1))), now.plusSeconds(2));

    assertThat(cache.size()).isEqualTo(AnswerCache.LIMIT / 2 + 1);
    assertThat(cache.current("current 0", now.plusSeconds(2))).isNotNull();
    assertThat(cache.last("expired 0")).isNull();
  }

  @Test
  void beyond_its_limit_with_nothing_expired_it_starts_again() {
    for (int i = 0; i < AnswerCache.LIMIT; i++) {
      cache.remember("current " + i, until(now.plus(Duration.ofHours(1))), now);
    }

    cache.remember("one more", until(now.plus(Duration.ofHours(1))), now);

    assertThat(cache.size()).isEqualTo(1);
    assertThat(cache.current("one more", now)).isNotNull();
  }
}
