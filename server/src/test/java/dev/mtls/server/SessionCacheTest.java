package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.tls.TlsProbe;
import org.junit.jupiter.api.Test;

/**
 * The server keeps TLS sessions for resumption ({@code tls-session-cache}), at most as many as it says, instead of
 * sealing each in a stateless ticket; 0 leaves resumption to tickets. Each client here keeps its own JDK session
 * cache and offers tickets, so only the server's choice decides whether a session survives.
 */
class SessionCacheTest {
  private final ServerFixture pki = new ServerFixture();

  @Test
  void a_tls12_client_resumes_its_session_from_the_servers_cache() throws Exception {
    try (MtlsServer server = pki.serverBuilder().build().start()) {
      TlsProbe bob = pki.clientFor(pki.bob).protocols("TLSv1.2");

      assertThat(bob.get(server.port(), "/whoami").body()).contains("\"resumed\":false");
      assertThat(bob.get(server.port(), "/whoami").body()).contains("\"resumed\":true")
          .contains("\"protocol\":\"TLSv1.2\"").contains("\"subject\":\"CN=bob,OU=readers,O=Demo\"");
    }
  }

  @Test
  void the_server_keeps_no_more_sessions_than_its_cache_holds() throws Exception {
    try (MtlsServer server = pki.serverBuilder().tlsSessionCache(1).build().start()) {
      assertThat(aliceAfterBob(server)).as("alice's session, pushed out by bob's").contains("\"resumed\":false");
    }
  }

  @Test
  void with_no_session_cache_clients_resume_from_stateless_tickets() throws Exception {
    try (MtlsServer server = pki.serverBuilder().tlsSessionCache(0).build().start()) {
      assertThat(aliceAfterBob(server)).as("alice's ticket, whatever the server keeps").contains("\"resumed\":true");
    }
  }

  /** Alice connects, then bob, then alice again over TLS 1.2: the body of alice's second answer. */
  private String aliceAfterBob(MtlsServer server) throws Exception {
    TlsProbe alice = pki.clientFor(pki.alice).protocols("TLSv1.2");
    TlsProbe bob = pki.clientFor(pki.bob).protocols("TLSv1.2");
    assertThat(alice.get(server.port(), "/whoami").status()).isEqualTo(200);
    assertThat(bob.get(server.port(), "/whoami").status()).isEqualTo(200);
    return alice.get(server.port(), "/whoami").body();
  }
}
