package dev.mtls.pki.material;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SafeTextTest {

  @Test
  void escapes_newline_so_a_subject_cannot_forge_a_log_line() {
    assertThat(SafeText.escape("bob\nINFO admin logged in")).isEqualTo("bob\\u000AINFO admin logged in");
  }

  @Test
  void escapes_escape_character_so_a_subject_cannot_drive_the_terminal() {
    assertThat(SafeText.escape("\u001b[2Jbob")).isEqualTo("\\u001B[2Jbob");
  }

  @Test
  void escapes_right_to_left_override_so_a_subject_cannot_reverse_what_is_read() {
    assertThat(SafeText.escape("alice\u202Etxt.exe")).isEqualTo("alice\\u202Etxt.exe");
  }

  @Test
  void escapes_carriage_return_tab_del_and_c1_controls() {
    assertThat(SafeText.escape("a\rb\tc\u007Fd\u0085e")).isEqualTo("a\\u000Db\\u0009c\\u007Fd\\u0085e");
  }

  @Test
  void escapes_other_invisible_and_bidi_characters() {
    assertThat(SafeText.escape("\u200B\u2028\u2066\uFEFF")).isEqualTo("\\u200B\\u2028\\u2066\\uFEFF");
  }

  @Test
  void leaves_ordinary_text_including_non_ascii_letters_unchanged() {
    String text = "CN=Jürgen Müller,OU=Ärzte,O=例え";
    assertThat(SafeText.escape(text)).isSameAs(text);
  }

  @Test
  void shows_null_as_the_word_null() {
    assertThat(SafeText.escape(null)).isEqualTo("null");
  }
}
