package dev.mtls.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The configuration reference in the docs lists exactly the keys the server reads, with their declared syntax,
 * meaning and default. When a setting changes, regenerate the table:
 * {@code ./mvnw -pl server-app -am test -Dtest=ConfigReferenceTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dmtls.docs.update=true}.
 */
class ConfigReferenceTest {
  private static final Path REFERENCE = Path.of(System.getProperty("basedir", "."))
      .resolve("../docs/operating/configuration.md").normalize();
  private static final String BEGIN = "<!-- settings:begin";
  private static final String END = "<!-- settings:end -->";

  @Test
  void the_reference_in_the_docs_is_generated_from_the_declarations() throws IOException {
    String text = Files.readString(REFERENCE);
    int begin = text.indexOf('\n', text.indexOf(BEGIN)) + 1;
    int end = text.indexOf(END);
    String generated = ConfigReference.table();
    if (Boolean.getBoolean("mtls.docs.update")) {
      Files.writeString(REFERENCE, text.substring(0, begin) + generated + text.substring(end));
      return;
    }
    assertThat(text.substring(begin, end))
        .as("%s is out of date: regenerate it with ./mvnw -pl server-app -am test -Dtest=ConfigReferenceTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dmtls.docs.update=true", REFERENCE)
        .isEqualTo(generated);
  }

  @Test
  void every_key_is_an_option_of_the_command_line() {
    java.io.StringWriter out = new java.io.StringWriter();
    ServerCommand.execute(new String[] {"--help"}, new java.io.PrintWriter(out), new java.io.PrintWriter(
        new java.io.StringWriter()));

    for (var setting : ServerConfig.keys()) {
      assertThat(out.toString()).containsPattern(java.util.regex.Pattern.quote(setting.option()) + "\\[?=");
    }
  }
}
