package dev.mtls.server.internal.identity;

import static org.assertj.core.api.Assertions.assertThat;

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
}
