package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.pki.TestPki;
import dev.mtls.testing.tls.TlsProbe;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** REQUESTED mode: the handshake completes without a certificate and the server explains with a 401. */
class RequestedClientAuthTest {
  static final ServerFixture pki = new ServerFixture();
  static MtlsServer server;

  @BeforeAll
  static void start() {
    server = pki.serverBuilder().clientAuth(ClientAuthMode.REQUESTED).build().start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void client_without_certificate_gets_401_with_explanation() throws Exception {
    TlsProbe.Response response = pki.anonymousClient().get(server.port(), "/whoami");

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
    assertThat(response.body()).isEqualTo("This server identifies clients by their TLS certificate, and your"
        + " client did not present one. Configure a client certificate issued by a CA this server trusts and"
        + " retry.\n");
  }

  @Test
  void client_with_certificate_is_served() throws Exception {
    assertThat(pki.clientFor(pki.bob).get(server.port(), "/whoami").body()).contains("\"roles\":[\"reader\"]");
  }

  @Test
  void offered_certificate_from_foreign_ca_still_fails_the_handshake() {
    TlsProbe eve = pki.clientFor(TestPki.named("CN=Foreign Root,O=Elsewhere",
        "CN=Foreign Issuing CA,O=Elsewhere").client("CN=eve,OU=admins,O=Demo"));

    assertThatThrownBy(() -> eve.get(server.port(), "/whoami")).isInstanceOf(IOException.class);
  }
}
