package dev.mtls.server.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mtls.pki.material.reload.MaterialReloader;
import dev.mtls.pki.material.reload.ReloadableIdentity;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.TlsPolicy;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.server.Limits;
import dev.mtls.server.ServerListener;
import dev.mtls.server.TlsEngine;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.tls.TlsProbe;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
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
    assumeTrue(available(), "Conscrypt's native library does not load here");
    Clock clock = Clock.systemUTC();
    ReloadableIdentity identity = ReloadableIdentity.fixed(ServerFixture.identity(pki.server), Purpose.SERVER, clock);
    new MaterialReloader(List.of(identity.unit()), clock).loadAll();
    ServerSslContext context = ServerSslContext.create(identity,
        () -> Trust.of(pki.anchors()), clock, List.of("TLSv1.3"), false, null, Duration.ofHours(1), Limits.DEFAULTS,
        TlsEngine.CONSCRYPT, new ServerListener() {});
    SSLEngine server = context.createSSLEngine("127.0.0.1", 40000);
    server.setNeedClientAuth(true);
    SSLContext clientContext = TlsPolicy.context(pki.alice.keyManager(),
        TlsProbe.trustManager(List.of(pki.root.certificate())));
    SSLEngine client = clientContext.createSSLEngine("localhost", 8443);
    client.setUseClientMode(true);
    client.setSSLParameters(TlsPolicy.parameters(clientContext, List.of("TLSv1.3")));

    handshake(client, server);

    assertThat(server.getSession()).isInstanceOfSatisfying(TlsConnection.class, connection -> {
      assertThat(connection.resumed()).isFalse();
      assertThat(connection.admittedOn()).hasValueSatisfying(verdict -> {
        assertThat(verdict.isTrusted()).isTrue();
        assertThat(verdict.path().get(0)).isEqualTo(pki.alice.certificate());
      });
    });
  }

  private static void handshake(SSLEngine client, SSLEngine server) throws Exception {
    ByteBuffer toServer = ByteBuffer.allocate(64 * 1024);
    ByteBuffer toClient = ByteBuffer.allocate(64 * 1024);
    ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
    client.beginHandshake();
    server.beginHandshake();
    for (int turn = 0; turn < 50 && !(done(client) && done(server)); turn++) {
      step(client, toServer, toClient, sink);
      step(server, toClient, toServer, sink);
    }
    assertThat(done(client) && done(server)).as("handshake finished").isTrue();
  }

  /** One turn of {@code engine}: writes into {@code out}, reads what the other wrote into {@code in}. */
  private static void step(SSLEngine engine, ByteBuffer out, ByteBuffer in, ByteBuffer sink) throws Exception {
    engine.wrap(ByteBuffer.allocate(0), out);
    in.flip();
    sink.clear();
    engine.unwrap(in, sink);
    in.compact();
    for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
      task.run();
    }
  }

  private static boolean done(SSLEngine engine) {
    HandshakeStatus status = engine.getHandshakeStatus();
    return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
  }

  private static boolean available() {
    try {
      return (Boolean) Class.forName("org.conscrypt.Conscrypt").getMethod("isAvailable").invoke(null);
    } catch (ReflectiveOperationException | LinkageError e) {
      return false;
    }
  }
}
