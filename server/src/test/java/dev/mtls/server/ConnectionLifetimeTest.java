package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.tls.TlsProbe;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A maximum connection lifetime makes long-lived clients handshake again (and so meet rotation and revocation). */
class ConnectionLifetimeTest {
  static final ServerFixture pki = new ServerFixture();

  @Test
  void connection_older_than_the_lifetime_is_closed_after_its_response() throws Exception {
    try (MtlsServer server = pki.serverBuilder().maxConnectionLifetime(Duration.ofNanos(1)).build().start();
        TlsProbe.Connection connection = pki.clientFor(pki.bob).connect(server.port())) {
      TlsProbe.Response response = connection.request("GET", "/whoami");

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.header("Connection")).isEqualTo("close");
      assertThat(connection.isClosedByServer()).isTrue();
    }
  }

  @Test
  void connection_within_the_lifetime_stays_open() throws Exception {
    try (MtlsServer server = pki.serverBuilder().maxConnectionLifetime(Duration.ofHours(1)).build().start();
        TlsProbe.Connection connection = pki.clientFor(pki.bob).connect(server.port())) {
      assertThat(connection.request("GET", "/whoami").header("Connection")).isNotEqualTo("close");
      assertThat(connection.request("GET", "/api/reports").status()).isEqualTo(200);
    }
  }
}
