package dev.mtls.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.DemoPki;
import dev.mtls.pki.material.KeyEncryption;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands to try by hand are shown only when their programs can run; the missing ones are named instead. */
class TryByHandTest {
  @TempDir
  static Path dir;
  static TryByHand tryByHand;

  @BeforeAll
  static void demoSet() {
    DemoPki pki = DemoPki.builder(dir).keyEncryption(KeyEncryption.forTests()).publishUrl("http://127.0.0.1:8081")
        .create();
    tryByHand = new TryByHand(new Project(Path.of("")), pki, URI.create("https://localhost:8443"),
        URI.create("http://127.0.0.1:8081/ocsp"), URI.create("http://127.0.0.1:8081/crl/issuing.crl"));
  }

  private String print(Set<String> installed) {
    StringWriter text = new StringWriter();
    tryByHand.print(new Console(new PrintWriter(text, true), Shell.POSIX), installed::contains);
    return text.toString();
  }

  @Test
  void shows_curl_and_openssl_commands_when_both_are_installed() {
    String shown = print(Set.of("curl", "openssl"));

    assertThat(shown).contains("$ curl --cacert ", "$ openssl s_client -connect 127.0.0.1:8443 ",
        "$ openssl ocsp -issuer ", "$ java -jar client-cli/target/mtls-client.jar -v --p12 ")
        .doesNotContain("not on the PATH");
  }

  @Test
  void leaves_out_what_needs_a_missing_program_and_names_it_once() {
    String shown = print(Set.of("curl"));

    assertThat(shown).contains("$ curl --cacert ", "$ java -jar pki-cli/target/mtls-pki.jar inspect ",
        "(openssl is not on the PATH: install it to try more)").doesNotContain("$ openssl", "crl/issuing.crl");
    assertThat(print(Set.of())).doesNotContain("$ curl", "$ openssl")
        .contains("(curl and openssl are not on the PATH: install them to try more)");
  }
}
