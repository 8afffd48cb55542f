package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.PlainHttp;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.tls.TlsProbe;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The management port's /metrics (Prometheus text) and /status (JSON), scraped as Prometheus would. */
class MetricsAndStatusTest {
  private final ServerFixture pki = new ServerFixture();
  private final Recorder<Object> events = new Recorder<>();

  @TempDir
  Path dir;

  @Test
  void metrics_count_handshakes_refusals_and_requests_and_show_seconds_until_expiry() throws Exception {
    Path crls = pki.writeCrls(dir.resolve("crl.pem"));
    Issued expired = pki.issuing.issue("CN=old,OU=readers,O=Demo").expired().build();
    try (MtlsServer server = pki.serverBuilder().addCrlFile(crls).listener(ServerListener.forwardingTo(events)).build().start()) {
      String before = scrape(server, "/metrics");
      assertThat(value(before, "mtls_server_certificate_expiry_seconds")).isBetween(29.0 * 86400, 30.0 * 86400);

      pki.clientFor(pki.bob).get(server.port(), "/whoami");
      pki.clientFor(pki.bob).request(server.port(), "POST", "/api/admin/reload");
      pki.clientFor(pki.bob).get(server.port(), "/nowhere");
      assertThatThrownBy(() -> pki.clientFor(expired).get(server.port(), "/whoami")).isInstanceOf(IOException.class);
      events.await(Rejection.class, r -> true);
      events.await(ServedRequest.class, r -> r.path().equals("/nowhere"));

      String after = scrape(server, "/metrics");
      assertThat(value(after, "mtls_handshakes_total{outcome=\"refused\",reason=\"EXPIRED\",resumed=\"false\"}"))
          .isEqualTo(1.0);
      assertThat(value(after, "mtls_handshakes_total{outcome=\"accepted\",reason=\"TRUSTED\",resumed=\"false\"}"))
          .isGreaterThanOrEqualTo(3.0);
      assertThat(value(after, "mtls_requests_total{method=\"GET\",protocol=\"HTTP/1.1\",route=\"GET /whoami\","
          + "status=\"200\"}")).isEqualTo(1.0);
      assertThat(value(after, "mtls_requests_total{method=\"POST\",protocol=\"HTTP/1.1\","
          + "route=\"POST /api/admin/reload\",status=\"403\"}")).isEqualTo(1.0);
      assertThat(value(after, "mtls_requests_total{method=\"GET\",protocol=\"HTTP/1.1\",route=\"unmatched\","
          + "status=\"404\"}")).isEqualTo(1.0);
      assertThat(value(after, "mtls_trust_anchor_expiry_seconds{anchor=\"CN=Test Root CA,O=mtls-reference test\"}"))
          .isGreaterThan(365.0 * 86400);
      assertThat(value(after, "mtls_crl_next_update_seconds{issuer=\"CN=Test Issuing CA,O=mtls-reference test\","
          + "number=\"1\",source=\"" + crls + "\"}")).isBetween(0.0, 86400.0);
      assertThat(value(after, "mtls_reload_last_success{unit=\"CRL file " + crls + "\"}")).isEqualTo(1.0);
    }
  }

  @Test
  void a_refused_reload_shows_in_metrics_and_status() throws Exception {
    Path crls = pki.writeCrls(dir.resolve("crl.pem"));
    try (MtlsServer server = pki.serverBuilder().addCrlFile(crls).build().start()) {
      java.nio.file.Files.writeString(crls, "not a CRL\n");
      server.reload();

      assertThat(value(scrape(server, "/metrics"), "mtls_reload_last_success{unit=\"CRL file " + crls + "\"}"))
          .isEqualTo(0.0);
      String status = scrape(server, "/status");
      assertThat(status).startsWith("{\"ready\":true,\"serverCertificate\":{\"subject\":\"CN=localhost,"
          + "O=mtls-reference test\"")
          .contains("\"trustAnchors\":[{\"subject\":\"CN=Test Root CA,O=mtls-reference test\"",
              "\"crls\":[{\"issuer\":\"CN=Test Issuing CA,O=mtls-reference test\"", "\"missingCrl\":\"refuse\"",
              "{\"unit\":\"CRL file " + crls + "\",\"outcome\":\"refused\"");
    }
  }

  @Test
  void keeps_metrics_bounded_when_a_client_sends_thousands_of_invented_methods() throws Exception {
    try (MtlsServer server = pki.serverBuilder().build().start();
        TlsProbe.Connection connection = pki.clientFor(pki.bob).connect(server.port())) {
      assertThat(connection.request("GET", "/whoami").status()).isEqualTo(200);
      assertThat(connection.request("INVENTED0", "/whoami").status()).isEqualTo(405);
      long before = scrape(server, "/metrics").lines().count();

      for (int i = 1; i < 3000; i++) {
        assertThat(connection.request("INVENTED" + i, "/whoami").status()).isEqualTo(405);
      }

      String after = scrape(server, "/metrics");
      assertThat(after.lines().count()).as("lines of /metrics after 3,000 invented methods").isBetween(before,
          before + 4);
      assertThat(value(after, "mtls_requests_total{method=\"OTHER\",protocol=\"HTTP/1.1\",route=\"unmatched\","
          + "status=\"405\"}")).isEqualTo(3000.0);
      assertThat(value(after, "mtls_requests_total{method=\"GET\",protocol=\"HTTP/1.1\",route=\"GET /whoami\","
          + "status=\"200\"}")).isEqualTo(1.0);
    }
  }

  private static String scrape(MtlsServer server, String path) throws Exception {
    PlainHttp.Response response = PlainHttp.get(URI.create("http://127.0.0.1:" + server.managementPort() + path));
    assertThat(response.status()).isEqualTo(200);
    return response.body();
  }

  /** The value of one sample line of the Prometheus text format. */
  private static double value(String metrics, String sample) {
    Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(metrics);
    assertThat(matcher.find()).as("%s in:%n%s", sample, metrics).isTrue();
    return Double.parseDouble(matcher.group(1));
  }
}
