package dev.mtls.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Commands printed for the learner paste as shown into their shell: bash and zsh, or cmd and PowerShell. */
class ShellTest {
  private final Command command = Command.java(Path.of("client-cli/target/mtls-client.jar"))
      .add("--cacert", Path.of("target/demo/ca/root.pem")).add("POST", "https://localhost:8443/api/admin/reload");

  @Test
  void posix_writes_paths_with_slashes_after_a_dollar_prompt() {
    assertThat(Shell.POSIX.render(command)).isEqualTo("java -jar client-cli/target/mtls-client.jar --cacert "
        + "target/demo/ca/root.pem POST https://localhost:8443/api/admin/reload");
    assertThat(Shell.POSIX.prompt()).isEqualTo("$ ");
    assertThat(Shell.POSIX.mavenWrapper()).isEqualTo("./mvnw");
  }

  @Test
  void windows_writes_paths_with_backslashes_and_leaves_urls_alone() {
    assertThat(Shell.WINDOWS.render(command)).isEqualTo("java -jar client-cli\\target\\mtls-client.jar --cacert "
        + "target\\demo\\ca\\root.pem POST https://localhost:8443/api/admin/reload");
    assertThat(Shell.WINDOWS.prompt()).isEqualTo("> ");
    assertThat(Shell.WINDOWS.mavenWrapper()).isEqualTo(".\\mvnw.cmd");
  }

  @Test
  void double_quotes_only_the_words_that_need_them() {
    Command spaced = Command.of("openssl", "crl", "-in").add(Path.of("My Demo/issuing.crl")).add("-noout");

    assertThat(Shell.POSIX.render(spaced)).isEqualTo("openssl crl -in \"My Demo/issuing.crl\" -noout");
    assertThat(Shell.WINDOWS.render(spaced)).isEqualTo("openssl crl -in \"My Demo\\issuing.crl\" -noout");
    assertThat(Shell.POSIX.render(Command.of("curl", "a&b"))).isEqualTo("curl \"a&b\"");
  }

  @Test
  void windows_names_curl_as_curl_exe_which_powershell_does_not_take_for_its_alias() {
    Command curl = Command.of("curl", "--cacert").add(Path.of("ca/root.pem")).add("https://localhost:8443/");

    assertThat(Shell.WINDOWS.render(curl)).isEqualTo("curl.exe --cacert ca\\root.pem https://localhost:8443/");
    assertThat(Shell.POSIX.render(curl)).startsWith("curl --cacert ");
  }

  @Test
  void a_command_is_one_line() {
    assertThat(Shell.WINDOWS.render(command)).doesNotContain("\n", "\\\n", "`");
  }

  @Test
  void the_current_shell_follows_the_systems_path_separator() {
    assertThat(Shell.current()).isEqualTo(java.io.File.separatorChar == '\\' ? Shell.WINDOWS : Shell.POSIX);
  }
}
