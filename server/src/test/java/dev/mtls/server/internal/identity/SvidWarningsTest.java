package dev.mtls.server.internal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.mtls.server.ClientIdentity;
import dev.mtls.testing.LogCapture;
import dev.mtls.testing.pki.CertificateBuilder;
import dev.mtls.testing.pki.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** The operator hears why an SVID with several URI names has no URI role: once per certificate, bounded. */
@Isolated // reads a logger that tests running beside it would write to
class SvidWarningsTest {
  static final TestPki pki = TestPki.create();

  private static ClientIdentity svid(String... uris) {
    CertificateBuilder builder = pki.issuing.issue("CN=w,OU=workloads,O=Demo");
    for (String uri : uris) {
      builder.uri(uri);
    }
    return ClientIdentity.of(builder.build().certificate());
  }

  @Test
  void warns_once_per_certificate_about_an_svid_with_more_than_one_uri_name() {
    ClientIdentity two = svid("spiffe://acme.example/ns/prod/a", "spiffe://acme.example/ns/prod/b");
    ClientIdentity another = svid("spiffe://acme.example/ns/prod/a", "https://acme.example/a");
    SvidWarnings warnings = new SvidWarnings();
    try (LogCapture log = LogCapture.of(SvidWarnings.class)) {
      for (int request = 0; request < 5; request++) {
        warnings.check(two);
      }
      warnings.check(another);
      warnings.check(svid("spiffe://acme.example/ns/prod/a"));
      warnings.check(svid("https://acme.example/a", "https://acme.example/b"));

      assertThat(log.messages(Level.WARN)).hasSize(2);
      assertThat(log.messages(Level.WARN).get(0)).contains("CN=w,OU=workloads,O=Demo",
          "X509-SVID with 2 URI names (spiffe://acme.example/ns/prod/a, spiffe://acme.example/ns/prod/b)",
          "no san.uri rule grants it a role");
    }
  }

  @Test
  void a_line_names_a_few_uris_each_cut_short() {
    String[] uris = new String[10];
    for (int i = 0; i < uris.length; i++) {
      uris[i] = "spiffe://acme.example/" + "x".repeat(500) + "/" + i;
    }
    try (LogCapture log = LogCapture.of(SvidWarnings.class)) {
      new SvidWarnings().check(svid(uris));

      String line = log.messages(Level.WARN).get(0);
      assertThat(line).contains("with 10 URI names", ", ...").doesNotContain("x".repeat(201)).hasSizeLessThan(1000);
    }
  }
}
