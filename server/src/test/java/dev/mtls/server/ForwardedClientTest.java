package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.Fingerprint;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.PlainHttp;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.TestPki;
import dev.mtls.testing.tls.TlsProbe;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A TLS-terminating proxy forwards its client's certificate (RFC 9440 Client-Cert, HAProxy's chain form, nginx's
 * URL-encoded PEM): served as that client only when the proxy's own verified certificate has a pinned key, judged
 * by the same trust core; refused, with a typed event, from anyone else, whatever its name or roles.
 */
class ForwardedClientTest {
  // The proxy's name earns a role, as a careless rules file might say: the role must not make it a proxy.
  private static final String ROLES = ServerFixture.ROLES + "proxy subject.CN=edge-proxy\n";

  private final ServerFixture pki = new ServerFixture();
  private final Issued proxy = pki.client("CN=edge-proxy,O=Demo");
  private final Issued mallory = pki.client("CN=mallory,OU=admins,O=Demo");
  private final Recorder<Object> events = new Recorder<>();

  private MtlsServer server() {
    return pki.serverBuilder()
        .roleRules(RoleRules.parse(ROLES, "roles.conf"))
        .trustedProxyKeys(ProxyKeys.ofCertificates(List.of(proxy.certificate())))
        .forwardedIntermediates(List.of(pki.issuing.certificate()))
        .crls(pki.pki.crls(mallory.certificate()))
        .listener(ServerListener.forwardingTo(events))
        .build().start();
  }

  private static String sf(X509Certificate... certificates) throws Exception {
    java.io.ByteArrayOutputStream der = new java.io.ByteArrayOutputStream();
    for (X509Certificate certificate : certificates) {
      der.write(certificate.getEncoded());
    }
    return ":" + Base64.getEncoder().encodeToString(der.toByteArray()) + ":";
  }

  /** The headers forwarding {@code client}'s certificate and its issuer, as RFC 9440 writes them. */
  private String forwarding(Issued client) throws Exception {
    return "Client-Cert: " + sf(client.certificate()) + "\r\nClient-Cert-Chain: " + sf(pki.issuing.certificate())
        + "\r\n";
  }

  /** mtls_forwarded_refusals_total by reason, as Prometheus scrapes it from the management port. */
  private static Map<String, Double> forwardedRefusals(MtlsServer server) throws Exception {
    PlainHttp.Response metrics = PlainHttp.get(URI.create("http://127.0.0.1:" + server.managementPort() + "/metrics"));
    Map<String, Double> byReason = new TreeMap<>();
    Matcher sample = Pattern.compile("(?m)^mtls_forwarded_refusals_total\\{reason=\"(\\w+)\"} (\\S+)$")
        .matcher(metrics.body());
    while (sample.find()) {
      byReason.put(sample.group(1), Double.parseDouble(sample.group(2)));
    }
    return byReason;
  }

  private static TlsProbe.Response get(MtlsServer server, TlsProbe client, String path, String headers)
      throws Exception {
    return send(server, client, "GET " + path, headers);
  }

  private static TlsProbe.Response post(MtlsServer server, TlsProbe client, String path, String headers)
      throws Exception {
    return send(server, client, "POST " + path, "Content-Length: 0\r\n" + headers);
  }

  private static TlsProbe.Response send(MtlsServer server, TlsProbe client, String requestLine, String headers)
      throws Exception {
    try (TlsProbe.Connection connection = client.connect(server.port())) {
      connection.write(requestLine + " HTTP/1.1\r\nHost: localhost\r\n" + headers + "\r\n");
      return connection.response();
    }
  }

  @Test
  void alice_forwarded_by_a_trusted_proxy_gets_her_own_roles_and_the_proxy_is_named() throws Exception {
    try (MtlsServer server = server()) {
      String headers = forwarding(pki.alice);

      TlsProbe.Response reports = get(server, pki.clientFor(proxy), "/api/reports", headers);
      TlsProbe.Response whoami = get(server, pki.clientFor(proxy), "/whoami", headers);

      assertThat(reports.status()).isEqualTo(200);
      assertThat(reports.body()).contains("\"requestedBy\":\"CN=alice,OU=admins,O=Demo\"");
      assertThat(whoami.body()).contains("\"subject\":\"CN=alice,OU=admins,O=Demo\"", "\"roles\":[\"admin\"]",
          "\"forwardedBy\":\"CN=edge-proxy,O=Demo\"");
    }
  }

  @Test
  void forwards_over_http2_as_over_http1_and_refuses_a_client_that_is_not_a_proxy() throws Exception {
    try (MtlsServer server = server()) {
      HttpClient edge = pki.http2Client(proxy);
      HttpRequest.Builder whoami = HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/whoami"))
          .header("Client-Cert", sf(pki.alice.certificate()))
          .header("Client-Cert-Chain", sf(pki.issuing.certificate()));

      HttpResponse<String> forwarded = edge.send(whoami.build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> forged = pki.http2Client(pki.bob).send(whoami.build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(forwarded.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(forwarded.body()).contains("\"subject\":\"CN=alice,OU=admins,O=Demo\"",
          "\"forwardedBy\":\"CN=edge-proxy,O=Demo\"");
      assertThat(forged.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(forged.statusCode()).isEqualTo(400);
      assertThat(events.awaitOnly(Rejection.class).verdict().reason()).isEqualTo(Reason.NOT_A_TRUSTED_PROXY);
    }
  }

  @Test
  void reads_haproxys_chain_in_one_item_and_nginxs_url_encoded_pem_completed_by_configured_intermediates()
      throws Exception {
    try (MtlsServer server = server()) {
      String haproxy = "Client-Cert: " + sf(pki.bob.certificate()) + "\r\nClient-Cert-Chain: "
          + sf(pki.issuing.certificate(), pki.root.certificate()) + "\r\n";
      String nginx = "Client-Cert: " + URLEncoder.encode(Pem.encode(pki.bob.certificate()), StandardCharsets.UTF_8)
          .replace("+", "%20") + "\r\n";

      assertThat(get(server, pki.clientFor(proxy), "/whoami", haproxy).body()).contains("\"roles\":[\"reader\"]");
      assertThat(get(server, pki.clientFor(proxy), "/whoami", nginx).body()).contains("\"roles\":[\"reader\"]");
    }
  }

  @Test
  void a_client_that_is_not_a_trusted_proxy_sending_client_cert_gets_400_and_a_typed_refusal() throws Exception {
    try (MtlsServer server = server()) {
      TlsProbe.Response forged = get(server, pki.clientFor(pki.bob), "/api/admin/reload",
          "Client-Cert: " + sf(pki.alice.certificate()) + "\r\n");

      assertThat(forged.status()).isEqualTo(400);
      Rejection rejection = events.all(Rejection.class).get(0);
      assertThat(rejection.stage()).isEqualTo(Rejection.Stage.FORWARDED);
      assertThat(rejection.verdict().reason()).isEqualTo(Reason.NOT_A_TRUSTED_PROXY);
      assertThat(rejection.verdict().sentence()).contains("CN=bob,OU=readers,O=Demo");
      assertThat(forwardedRefusals(server)).containsEntry("NOT_A_TRUSTED_PROXY", 1.0);
    }
  }

  @Test
  void a_client_named_like_the_proxy_cannot_forward_the_admins_public_certificate_the_pinned_proxy_can()
      throws Exception {
    // What a CA signing CN=* gives anyone who asks: the proxy's name, with the asker's own key.
    Issued impostor = pki.client("CN=edge-proxy,O=Demo");
    try (MtlsServer server = server()) {
      String admin = forwarding(pki.alice);

      TlsProbe.Response forged = post(server, pki.clientFor(impostor), "/api/admin/reload", admin);
      TlsProbe.Response forwarded = post(server, pki.clientFor(proxy), "/api/admin/reload", admin);

      assertThat(forged.status()).isEqualTo(400);
      assertThat(forwarded.status()).isEqualTo(200);
      Rejection rejection = events.awaitOnly(Rejection.class);
      assertThat(rejection.stage()).isEqualTo(Rejection.Stage.FORWARDED);
      assertThat(rejection.verdict().reason()).isEqualTo(Reason.NOT_A_TRUSTED_PROXY);
      assertThat(rejection.verdict().sentence()).contains("CN=edge-proxy,O=Demo",
          Fingerprint.publicKeySha256(impostor.certificate()), "is not one of trusted-proxy-keys");
    }
  }

  @Test
  void no_client_may_forward_when_no_proxy_key_is_pinned() throws Exception {
    try (MtlsServer server = pki.serverBuilder().roleRules(RoleRules.parse(ROLES, "roles.conf"))
        .listener(ServerListener.forwardingTo(events)).build().start()) {
      TlsProbe.Response forged = get(server, pki.clientFor(proxy), "/whoami",
          "Client-Cert: " + sf(pki.alice.certificate()) + "\r\n");

      assertThat(forged.status()).isEqualTo(400);
      assertThat(events.all(Rejection.class)).extracting(r -> r.verdict().reason())
          .containsExactly(Reason.NOT_A_TRUSTED_PROXY);
    }
  }

  @Test
  void a_forwarded_revoked_or_foreign_certificate_is_refused_with_its_true_reason() throws Exception {
    Issued foreign = TestPki.named("CN=Foreign Root", "CN=Foreign Issuing").client("CN=alice,OU=admins,O=Demo");
    try (MtlsServer server = server()) {
      TlsProbe.Response revoked = get(server, pki.clientFor(proxy), "/whoami",
          "Client-Cert: " + sf(mallory.certificate()) + "\r\n");
      TlsProbe.Response stranger = get(server, pki.clientFor(proxy), "/whoami",
          "Client-Cert: " + sf(foreign.certificate()) + "\r\nClient-Cert-Chain: " + sf(foreign.chain().get(1))
              + "\r\n");

      assertThat(revoked.status()).isEqualTo(401);
      assertThat(stranger.status()).isEqualTo(401);
      assertThat(events.all(Rejection.class)).extracting(r -> r.verdict().reason())
          .containsExactly(Reason.REVOKED, Reason.UNTRUSTED_ISSUER);
      assertThat(events.all(Rejection.class)).allMatch(r -> r.stage() == Rejection.Stage.FORWARDED);
      assertThat(forwardedRefusals(server)).containsEntry("REVOKED", 1.0).containsEntry("UNTRUSTED_ISSUER", 1.0);
    }
  }

  @Test
  void an_unreadable_forwarded_certificate_gets_400() throws Exception {
    try (MtlsServer server = server()) {
      TlsProbe.Response garbage = get(server, pki.clientFor(proxy), "/whoami", "Client-Cert: :bm90IGEgY2VydA==:\r\n");

      assertThat(garbage.status()).isEqualTo(400);
      assertThat(events.all(Rejection.class).get(0).verdict().reason()).isEqualTo(Reason.INVALID_CERTIFICATE);
    }
  }

  @Test
  void the_proxy_calling_for_itself_without_the_header_is_served_as_the_proxy() throws Exception {
    try (MtlsServer server = server()) {
      TlsProbe.Response self = get(server, pki.clientFor(proxy), "/whoami", "");

      assertThat(self.body()).contains("\"subject\":\"CN=edge-proxy,O=Demo\"", "\"roles\":[\"proxy\"]")
          .doesNotContain("forwardedBy");
    }
  }
}
