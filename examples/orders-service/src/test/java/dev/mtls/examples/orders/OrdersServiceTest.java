package dev.mtls.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsException;
import dev.mtls.client.MtlsResponse;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.server.MtlsServer;
import dev.mtls.server.Rejection;
import dev.mtls.server.ServedRequest;
import dev.mtls.server.testing.RunningServer;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.Pems;
import dev.mtls.testing.pki.TestPki;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The example service over real mTLS: its own routes, its role checks, and what it refuses. */
class OrdersServiceTest {
  @RegisterExtension
  final RunningServer running = RunningServer.serving(OrdersService::routes)
      .roles("orders  subject.OU=orders\n");

  @TempDir
  Path dir;

  @Test
  void a_client_with_role_orders_places_an_order_and_lists_it() throws Exception {
    try (MtlsClient carol = client(running.identity("CN=carol,OU=orders,O=Shop"))) {
      MtlsResponse placed = carol.send("POST", url("/api/orders"), "item=widget&quantity=3".getBytes(
          StandardCharsets.UTF_8), "application/x-www-form-urlencoded");
      MtlsResponse listed = carol.get(url("/api/orders"));
      MtlsResponse shown = carol.get(url("/api/orders/1"));

      assertThat(placed.status()).isEqualTo(201);
      assertThat(placed.header("Location")).isEqualTo("/api/orders/1");
      assertThat(placed.bodyText()).contains("\"item\":\"widget\"", "\"quantity\":3",
          "\"placedBy\":\"CN=carol,OU=orders,O=Shop\"");
      assertThat(listed.status()).isEqualTo(200);
      assertThat(listed.bodyText()).contains("\"id\":1,\"item\":\"widget\"");
      assertThat(shown.status()).isEqualTo(200);
    }
    ServedRequest post = running.events().awaitFirst(ServedRequest.class, r -> r.method().equals("POST"));
    assertThat(post.route()).isEqualTo("POST /api/orders");
    assertThat(post.status()).isEqualTo(201);
    assertThat(post.caller().roles()).isEqualTo(Set.of("orders"));
    assertThat(running.events().await(ServedRequest.class, r -> "GET /api/orders/{id}".equals(r.route()))).isNotEmpty();
  }

  @Test
  void a_client_without_role_orders_gets_403_and_places_nothing() throws Exception {
    try (MtlsClient dave = client(running.identity("CN=dave,OU=readers,O=Shop"));
        MtlsClient carol = client(running.identity("CN=carol,OU=orders,O=Shop"))) {
      assertThat(dave.send("POST", url("/api/orders"), "item=widget&quantity=1".getBytes(StandardCharsets.UTF_8),
          "application/x-www-form-urlencoded").status()).isEqualTo(403);
      assertThat(dave.get(url("/api/orders")).status()).isEqualTo(403);

      assertThat(carol.get(url("/api/orders")).bodyText()).isEqualTo("{\"orders\":[]}\n");
    }
    assertThat(running.events().await(ServedRequest.class, r -> r.status() == 403)).allSatisfy(r -> {
      assertThat(r.caller().identity().subject().toDisplayString()).isEqualTo("CN=dave,OU=readers,O=Shop");
      assertThat(r.caller().roles()).isEmpty();
    });
  }

  @Test
  void a_client_of_a_foreign_ca_is_refused_in_the_handshake() throws Exception {
    TestPki foreign = TestPki.named("CN=Foreign Root,O=elsewhere", "CN=Foreign Issuing,O=elsewhere");
    Issued mallory = foreign.client("CN=mallory,OU=orders,O=elsewhere");
    try (MtlsClient client = client(Identity.of(mallory.privateKey(), mallory.chain()))) {
      assertThatThrownBy(() -> client.get(url("/api/orders"))).isInstanceOf(MtlsException.class);
    }
    assertThat(running.events().await(Rejection.class, r -> true)).singleElement()
        .satisfies(r -> assertThat(r.verdict().reason()).isEqualTo(Reason.UNTRUSTED_ISSUER));
    assertThat(running.events().all(ServedRequest.class)).isEmpty();
  }

  @Test
  void bad_orders_unknown_orders_unknown_paths_and_wrong_methods_are_refused() throws Exception {
    try (MtlsClient carol = client(running.identity("CN=carol,OU=orders,O=Shop"))) {
      assertThat(carol.send("POST", url("/api/orders"), "quantity=0".getBytes(StandardCharsets.UTF_8),
          "application/x-www-form-urlencoded").status()).isEqualTo(400);
      assertThat(carol.send("POST", url("/api/orders"), new byte[5000], "application/x-www-form-urlencoded")
          .status()).isEqualTo(413);
      assertThat(carol.get(url("/api/orders/42")).status()).isEqualTo(404);
      assertThat(carol.get(url("/api/customers")).status()).isEqualTo(404);
      MtlsResponse delete = carol.send("DELETE", url("/api/orders"), null, null);
      assertThat(delete.status()).isEqualTo(405);
      assertThat(delete.header("Allow")).contains("GET", "POST");
    }
  }

  @Test
  void runs_from_the_files_cert_manager_mounts() throws Exception {
    TestPki pki = TestPki.create();
    Files.writeString(dir.resolve("tls.crt"), Pems.of(pki.server.chain()));
    Files.writeString(dir.resolve("tls.key"), Pems.of(pki.server.privateKey()));
    Files.writeString(dir.resolve("ca.crt"), Pems.of(pki.anchors()));
    Files.writeString(dir.resolve("roles.conf"), "orders subject.OU=orders\n");
    Issued carol = pki.client("CN=carol,OU=orders,O=Shop");
    try (MtlsServer server = OrdersService.start(MtlsServer.builder().port(0).managementPort(0)
            .reloadInterval(Duration.ZERO), dir);
        MtlsClient client = MtlsClient.builder().identity(Identity.of(carol.privateKey(), carol.chain()))
            .trust(dev.mtls.pki.material.TrustAnchors.of(pki.anchors())).build()) {
      assertThat(client.get(URI.create("https://localhost:" + server.port() + "/api/orders")).status())
          .isEqualTo(200);
    }
  }

  private MtlsClient client(Identity identity) {
    return MtlsClient.builder().identity(identity).trust(running.anchors()).reloadInterval(Duration.ZERO).build();
  }

  private URI url(String path) {
    return URI.create("https://localhost:" + running.port() + path);
  }
}
