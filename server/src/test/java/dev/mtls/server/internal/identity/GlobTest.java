package dev.mtls.server.internal.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GlobTest {
  @Test
  void glob_star_matches_any_run_and_escaped_star_is_literal() {
    assertThat(Glob.of("a*c", Glob.Kind.TEXT).matches("abbbc")).isTrue();
    assertThat(Glob.of("a*c", Glob.Kind.TEXT).matches("ac")).isTrue();
    assertThat(Glob.of("a*c", Glob.Kind.TEXT).matches("acb")).isFalse();
    assertThat(Glob.of("*b*", Glob.Kind.TEXT).matches("abc")).isTrue();
    assertThat(Glob.of("a\\*", Glob.Kind.TEXT).matches("a*")).isTrue();
    assertThat(Glob.of("a\\*", Glob.Kind.TEXT).matches("ab")).isFalse();
    assertThat(Glob.of("ab*ba", Glob.Kind.TEXT).matches("aba")).isFalse();
  }

  @Test
  void dns_star_matches_one_label_case_insensitively_and_uri_double_star_crosses_segments() {
    assertThat(Glob.of("*.example.org", Glob.Kind.DNS).matches("A.Example.ORG")).isTrue();
    assertThat(Glob.of("*.example.org", Glob.Kind.DNS).matches("a.b.example.org")).isFalse();
    assertThat(Glob.of("*.example.org", Glob.Kind.DNS).matches(".example.org")).isFalse();
    assertThat(Glob.of("spiffe://x/ns/*", Glob.Kind.URI).matches("spiffe://x/ns/a/b")).isFalse();
    assertThat(Glob.of("spiffe://x/ns/**", Glob.Kind.URI).matches("spiffe://x/ns/a/b")).isTrue();
    assertThat(Glob.of("spiffe://x/ns/**", Glob.Kind.URI).matches("spiffe://x/ns/")).isFalse();
    assertThat(Glob.of("spiffe://x/*/sa/*", Glob.Kind.URI).matches("spiffe://x/prod/sa/b")).isTrue();
  }

  @Test
  void matches_a_pattern_of_many_stars_against_a_long_value_at_once() {
    // Found by fuzzing the role rules: as a regular expression, such a pattern backtracks for longer than anyone waits
    // (the value is a client's, its length the client's choice).
    String dashes = "-".repeat(20_000);

    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      assertThat(Glob.of("*@" + "*".repeat(100) + "example.org", Glob.Kind.TEXT).matches("billing@example.org"))
          .isTrue();
      assertThat(Glob.of("*-*-*-*-*-*-*x", Glob.Kind.TEXT).matches(dashes)).isFalse();
      assertThat(Glob.of("*-*-*-*-*-*-*x", Glob.Kind.DNS).matches(dashes)).isFalse();
      assertThat(Glob.of("**-**-**-**-**x", Glob.Kind.URI).matches(dashes)).isFalse();
    });
  }
}
