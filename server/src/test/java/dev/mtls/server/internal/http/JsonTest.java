package dev.mtls.server.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void escapes_quotes_backslashes_and_control_characters_between_plain_runs() {
    assertThat(Json.write("a\"b\\c\nd\re\tf\u0001g\u007fh")).isEqualTo("\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u007fh\"");
  }

  @Test
  void escapes_markup_and_line_separators_so_a_value_cannot_become_html_or_a_new_line() {
    assertThat(Json.write("<script>&\u2028\u2029")).isEqualTo("\"\\u003cscript\\u003e\\u0026\\u2028\\u2029\"");
  }

  @Test
  void keeps_plain_and_non_ascii_text_as_it_is() {
    assertThat(Json.write("")).isEqualTo("\"\"");
    assertThat(Json.write("CN=Zoë,O=Démo")).isEqualTo("\"CN=Zoë,O=Démo\"");
  }

  @Test
  void writes_maps_lists_numbers_booleans_and_null_in_order() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("n", 3L);
    value.put("ok", true);
    value.put("none", null);
    value.put("list", List.of("x", 1));
    assertThat(Json.write(value)).isEqualTo("{\"n\":3,\"ok\":true,\"none\":null,\"list\":[\"x\",1]}");
  }
}
