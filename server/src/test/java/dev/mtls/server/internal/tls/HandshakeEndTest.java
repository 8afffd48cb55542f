package dev.mtls.server.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.server.TlsEngine;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.pki.TestPki;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

/**
 * The handshake deadline's timer holds its connection and engine (the whole TLS state, about 6 KB) for the handshake
 * timeout: it is let go as soon as the handshake ends, whichever way, or a server making hundreds of handshakes a
 * second kept thousands of closed connections alive (3,054 sessions after 15 s of TLS 1.2 handshakes).
 */
class HandshakeEndTest {
  static final ServerFixture pki = new ServerFixture();
  static final ServerSslContext context = InMemoryHandshake.serverContext(pki, TlsEngine.JDK);

  @Test
  void tells_once_when_the_handshake_completes() throws Exception {
    ObservedSslEngine server = serverEngine();
    AtomicInteger ended = new AtomicInteger();
    server.whenHandshakeEnds(ended::incrementAndGet);

    InMemoryHandshake.run(InMemoryHandshake.client(pki, pki.alice), server);
    assertThat(ended).hasValue(1);
    server.closeOutbound();

    assertThat(ended).as("told once").hasValue(1);
  }

  @Test
  void tells_when_the_handshake_fails() {
    ObservedSslEngine server = serverEngine();
    AtomicInteger ended = new AtomicInteger();
    server.whenHandshakeEnds(ended::incrementAndGet);
    SSLEngine foreign = InMemoryHandshake.client(pki, TestPki.named("CN=Foreign Root,O=Elsewhere",
        "CN=Foreign Issuing CA,O=Elsewhere").client("CN=eve,OU=admins,O=Demo"));

    assertThatThrownBy(() -> InMemoryHandshake.run(foreign, server)).isInstanceOf(SSLException.class);

    assertThat(ended).hasValue(1);
  }

  @Test
  void tells_when_the_connection_closes_before_the_handshake_and_at_once_when_asked_later() throws SSLException {
    ObservedSslEngine server = serverEngine();
    AtomicInteger ended = new AtomicInteger();
    server.whenHandshakeEnds(ended::incrementAndGet);

    server.closeInbound();
    server.closeOutbound();
    server.whenHandshakeEnds(ended::incrementAndGet);

    assertThat(ended).hasValue(2);
  }

  @Test
  void waits_while_the_handshake_runs() throws Exception {
    ObservedSslEngine server = serverEngine();
    AtomicInteger ended = new AtomicInteger();

    server.whenHandshakeEnds(ended::incrementAndGet);
    server.beginHandshake();

    assertThat(ended).hasValue(0);
  }

  private static ObservedSslEngine serverEngine() {
    SSLEngine engine = context.createSSLEngine("127.0.0.1", 40000);
    engine.setNeedClientAuth(true);
    return (ObservedSslEngine) engine;
  }
}
