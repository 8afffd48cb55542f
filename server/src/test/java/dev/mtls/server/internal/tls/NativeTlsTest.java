package dev.mtls.server.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.server.TlsEngine;
import dev.mtls.server.testing.ServerFixture;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

/**
 * Conscrypt hands the trust manager the engine inside the one its SSLContext returned: the verdict reached for the
 * inner one must reach the connection, or every connection would be judged again at its first request and the
 * verdicts would pile up unclaimed.
 */
class NativeTlsTest {
  static final ServerFixture pki = new ServerFixture();

  @Test
  void keeps_the_handshakes_verdict_with_its_connection() throws Exception {
    ServerFixture.assumeConscryptLoads();
    ServerSslContext context = InMemoryHandshake.serverContext(pki, TlsEngine.CONSCRYPT);
    SSLEngine server = context.createSSLEngine("127.0.0.1", 40000);
    server.setNeedClientAuth(true);
    SSLEngine client = InMemoryHandshake.client(pki, pki.alice);

    InMemoryHandshake.run(client, server);

    assertThat(server.getSession()).isInstanceOfSatisfying(TlsConnection.class, connection -> {
      assertThat(connection.resumed()).isFalse();
      assertThat(connection.admittedOn()).hasValueSatisfying(verdict -> {
        assertThat(verdict.isTrusted()).isTrue();
        assertThat(verdict.path().get(0)).isEqualTo(pki.alice.certificate());
      });
    });
  }
}
