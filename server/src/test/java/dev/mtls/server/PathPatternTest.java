package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PathPatternTest {
  @Test
  void literal_segments_match_exactly() {
    assertThat(PathPattern.of("/api/orders").match("/api/orders")).contains(Map.of());
    assertThat(PathPattern.of("/api/orders").match("/api/orders/")).isEmpty();
    assertThat(PathPattern.of("/api/orders").match("/api/order")).isEmpty();
    assertThat(PathPattern.of("/").match("/")).contains(Map.of());
  }

  @Test
  void a_named_segment_captures_exactly_one_non_empty_segment() {
    assertThat(PathPattern.of("/api/orders/{id}").match("/api/orders/42")).contains(Map.of("id", "42"));
    assertThat(PathPattern.of("/api/orders/{id}").match("/api/orders/")).isEmpty();
    assertThat(PathPattern.of("/api/orders/{id}").match("/api/orders/42/items")).isEmpty();
  }

  @Test
  void a_final_double_star_matches_any_remainder() {
    PathPattern pattern = PathPattern.of("/static/**");

    assertThat(pattern.match("/static")).isPresent();
    assertThat(pattern.match("/static/app.js")).isPresent();
    assertThat(pattern.match("/static/css/site.css")).isPresent();
    assertThat(pattern.match("/staticfile")).isEmpty();
  }

  @Test
  void more_specific_patterns_come_first() {
    List<PathPattern> patterns = new ArrayList<>(List.of(PathPattern.of("/api/**"), PathPattern.of("/api/{name}"),
        PathPattern.of("/api/orders"), PathPattern.of("/api")));
    patterns.sort(null);

    assertThat(patterns).extracting(PathPattern::toString)
        .containsExactly("/api/orders", "/api/{name}", "/api", "/api/**");
  }
}
