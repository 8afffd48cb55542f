package dev.mtls.pki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CRL and OCSP URLs certificates name: the CA's, given to {@code pki init}, or one certificate's own, given to
 * issue, sign or renew; a URL that is not absolute http or https is a usage error.
 */
class CrlAndOcspUrlsTest extends PkiCliTestBase {
  @Test
  void init_names_the_issuing_cas_crl_in_leaves_and_the_roots_crl_in_the_intermediate() throws Exception {
    Path located = locatedCa("located-ca");
    Run issue = run("issue", "client", "--dir", located.toString(), "--password-file", password.toString(), "--name",
        "dora", "--subject", "CN=dora", "--out", dir.toString());
    assertThat(issue.exit()).as(issue.err()).isZero();

    Run leaf = run("inspect", dir.resolve("dora.pem").toString());
    Run intermediate = run("inspect", located.resolve("intermediate.pem").toString());

    assertThat(leaf.out()).contains("CRL distribution:    http://127.0.0.1:8081/crl/issuing.crl",
        "OCSP responder:      http://127.0.0.1:8081/ocsp").doesNotContain("root.crl");
    assertThat(intermediate.out()).contains("CRL distribution:    http://127.0.0.1:8081/crl/root.crl")
        .doesNotContain("issuing.crl").doesNotContain("OCSP responder");
    assertThat(run("inspect", located.resolve("root.pem").toString()).out()).doesNotContain("CRL distribution");
    assertThat(Files.readString(located.resolve("crl-url"))).isEqualTo("http://127.0.0.1:8081/crl/issuing.crl\n");
    assertThat(Files.readString(located.resolve("root-crl-url"))).isEqualTo("http://127.0.0.1:8081/crl/root.crl\n");
    assertThat(Files.readString(located.resolve("ocsp-url"))).isEqualTo("http://127.0.0.1:8081/ocsp\n");
  }

  @Test
  void crl_url_alone_names_no_distribution_point_in_the_intermediate() {
    Path leavesOnly = dir.resolve("leaves-only-ca");
    Run init = run("init", "--dir", leavesOnly.toString(), "--password-file", password.toString(), "--crl-url",
        "http://pki.example.org/issuing.crl");

    assertThat(init.exit()).as(init.err()).isZero();
    assertThat(run("inspect", leavesOnly.resolve("intermediate.pem").toString()).out())
        .doesNotContain("CRL distribution");
    assertThat(leavesOnly.resolve("root-crl-url")).doesNotExist();
  }

  @Test
  void init_force_forgets_the_urls_of_the_ca_it_replaces() {
    Path replaced = locatedCa("replaced-ca");

    Run again = run("init", "--dir", replaced.toString(), "--password-file", password.toString(), "--force");
    Run issue = run("issue", "client", "--dir", replaced.toString(), "--password-file", password.toString(),
        "--name", "fred", "--subject", "CN=fred", "--out", dir.toString());

    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(issue.exit()).as(issue.err()).isZero();
    assertThat(replaced.resolve("crl-url")).doesNotExist();
    assertThat(replaced.resolve("root-crl-url")).doesNotExist();
    assertThat(replaced.resolve("ocsp-url")).doesNotExist();
    assertThat(run("inspect", dir.resolve("fred.pem").toString()).out())
        .doesNotContain("CRL distribution").doesNotContain("OCSP responder");
  }

  @Test
  void issue_sign_and_renew_name_the_urls_given_for_that_one_certificate_instead_of_the_cas() throws Exception {
    Path located = locatedCa("overridden-ca");
    String[] ca = {"--dir", located.toString(), "--password-file", password.toString()};
    String[] elsewhere = {"--crl-url", "https://crl.example.org/issuing.crl", "--ocsp-url",
        "https://ocsp.example.org/"};
    Path csr = csr("signed", "CN=signed", "dns:signed.example.org");

    Run issued = run(concat(new String[] {"issue", "client", "--name", "gina", "--subject", "CN=gina", "--out",
        dir.toString()}, ca, elsewhere));
    Run signed = run(concat(new String[] {"sign", "--csr", csr.toString(), "--profile", "client", "--out",
        dir.resolve("signed.pem").toString()}, ca, elsewhere));
    Run plain = run(concat(new String[] {"issue", "client", "--name", "hugo", "--subject", "CN=hugo", "--out",
        dir.toString()}, ca));
    String hugoSerial = Pem.loadCertificates(dir.resolve("hugo.pem")).get(0).getSerialNumber().toString(16);
    Run renewed = run(concat(new String[] {"renew", "--serial", hugoSerial, "--name", "hugo2", "--out",
        dir.toString()}, ca, elsewhere));

    assertThat(List.of(issued, signed, plain, renewed)).allSatisfy(r -> assertThat(r.exit()).as(r.err()).isZero());
    for (String overridden : List.of("gina.pem", "signed.pem", "hugo2.pem")) {
      assertThat(run("inspect", dir.resolve(overridden).toString()).out()).as(overridden)
          .contains("CRL distribution:    https://crl.example.org/issuing.crl",
              "OCSP responder:      https://ocsp.example.org/")
          .doesNotContain("127.0.0.1");
    }
    assertThat(run("inspect", dir.resolve("hugo.pem").toString()).out())
        .contains("CRL distribution:    http://127.0.0.1:8081/crl/issuing.crl",
            "OCSP responder:      http://127.0.0.1:8081/ocsp");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ldap://ldap.example.org/cn=crl", "file:///tmp/issuing.crl", "/crl/issuing.crl",
      "http//127.0.0.1/crl", "http:///crl", "127.0.0.1:8081/ocsp", "http://bad host/crl"})
  void a_url_that_is_not_absolute_http_or_https_is_a_usage_error_naming_the_option(String url) {
    Path refused = dir.resolve("refused-ca");

    Run init = run("init", "--dir", refused.toString(), "--password-file", password.toString(), "--root-crl-url",
        url);
    Run issue = run("issue", "client", "--dir", ca.toString(), "--password-file", password.toString(), "--name",
        "ivan", "--subject", "CN=ivan", "--out", dir.toString(), "--ocsp-url", url);

    String expected = "'" + url + "' is not an absolute http or https URL, such as"
        + " http://127.0.0.1:8081/crl/issuing.crl" + System.lineSeparator();
    assertThat(init.exit()).isEqualTo(2);
    assertThat(init.err()).startsWith("Invalid value for option '--root-crl-url': " + expected);
    assertThat(issue.exit()).isEqualTo(2);
    assertThat(issue.err()).startsWith("Invalid value for option '--ocsp-url': " + expected);
    assertThat(refused).doesNotExist();
    assertThat(dir.resolve("ivan.pem")).doesNotExist();
  }

  /** A CA whose certificates point at {@code serve --port 8081}, as init's help shows. */
  private Path locatedCa(String name) {
    Path located = dir.resolve(name);
    Run init = run("init", "--dir", located.toString(), "--password-file", password.toString(),
        "--crl-url", "http://127.0.0.1:8081/crl/issuing.crl", "--root-crl-url", "http://127.0.0.1:8081/crl/root.crl",
        "--ocsp-url", "http://127.0.0.1:8081/ocsp");
    assertThat(init.exit()).as(init.err()).isZero();
    return located;
  }

  private static String[] concat(String[]... parts) {
    return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
  }
}
