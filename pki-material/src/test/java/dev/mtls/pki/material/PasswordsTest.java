package dev.mtls.pki.material;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordsTest {
  private static final String UNSET_VARIABLE = "MTLS_REFERENCE_TEST_UNSET_PASSWORD_VARIABLE";

  @TempDir Path directory;

  @Test
  void file_password_has_its_newline_stripped() throws IOException {
    Path file = Files.writeString(directory.resolve("pw"), "s3cret\n");

    assertThat(Passwords.fromFile(file)).containsExactly("s3cret".toCharArray());
  }

  @Test
  void file_password_has_a_windows_line_ending_stripped() throws IOException {
    Path file = Files.writeString(directory.resolve("pw"), "s3cret\r\n");

    assertThat(Passwords.fromFile(file)).containsExactly("s3cret".toCharArray());
  }

  @Test
  void file_password_is_the_first_line_only_and_keeps_inner_spaces() throws IOException {
    Path file = Files.writeString(directory.resolve("pw"), " pass phrase \nsecond line\n");

    assertThat(Passwords.fromFile(file)).containsExactly(" pass phrase ".toCharArray());
  }

  @Test
  void file_password_without_newline_is_read_as_is() throws IOException {
    Path file = Files.writeString(directory.resolve("pw"), "s3cret");

    assertThat(Passwords.fromFile(file)).containsExactly("s3cret".toCharArray());
  }

  @Test
  void refuses_empty_password_file() throws IOException {
    Path file = Files.writeString(directory.resolve("pw"), "\n");

    assertThatThrownBy(() -> Passwords.fromFile(file))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": password file is empty");
  }

  @Test
  void refuses_missing_password_file() {
    Path file = directory.resolve("missing");

    assertThatThrownBy(() -> Passwords.fromFile(file))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": password file not found");
  }

  @Test
  void refuses_unset_environment_variable() {
    assertThat(System.getenv(UNSET_VARIABLE)).isNull();

    assertThatThrownBy(() -> Passwords.fromEnv(UNSET_VARIABLE))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage("environment variable " + UNSET_VARIABLE + " is not set or empty");
  }

  @Test
  void reads_a_set_environment_variable() {
    // PATH is set wherever the tests run.
    assertThat(new String(Passwords.fromEnv("PATH"))).isEqualTo(System.getenv("PATH"));
  }

  @Test
  void resolve_prefers_the_file_then_the_variable_then_nothing() throws IOException {
    Path file = Files.writeString(directory.resolve("pw"), "from-file\n");

    assertThat(Passwords.resolve(file, UNSET_VARIABLE, "never asked")).containsExactly("from-file".toCharArray());
    assertThatThrownBy(() -> Passwords.resolve(null, UNSET_VARIABLE, "never asked"))
        .hasMessage("environment variable " + UNSET_VARIABLE + " is not set or empty");
    assertThat(Passwords.resolve(null, null, null)).isNull();
  }

  @Test
  void prompt_without_a_terminal_says_which_options_to_use() {
    // Surefire runs tests without a console.
    assertThat(System.console()).isNull();

    assertThatThrownBy(() -> Passwords.prompt("CA key password"))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage("a password is needed but there is no terminal to ask on; "
            + "use --password-file FILE or --password-env VARIABLE");
  }
}
