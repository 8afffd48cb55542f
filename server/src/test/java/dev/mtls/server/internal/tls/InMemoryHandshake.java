package dev.mtls.server.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.reload.MaterialReloader;
import dev.mtls.pki.material.reload.ReloadableIdentity;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.TlsPolicy;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.server.Limits;
import dev.mtls.server.ServerListener;
import dev.mtls.server.TlsEngine;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.tls.TlsProbe;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

/** A TLS 1.3 handshake between two engines through byte buffers, no sockets: the server's engines seen up close. */
final class InMemoryHandshake {
  private InMemoryHandshake() {}

  /** The server's context over the fixture's server identity and anchors, speaking TLS through {@code engine}. */
  static ServerSslContext serverContext(ServerFixture pki, TlsEngine engine) {
    Clock clock = Clock.systemUTC();
    ReloadableIdentity identity = ReloadableIdentity.fixed(ServerFixture.identity(pki.server), Purpose.SERVER, clock);
    new MaterialReloader(List.of(identity.unit()), clock).loadAll();
    return ServerSslContext.create(identity, () -> Trust.of(pki.anchors()), clock, List.of("TLSv1.3"), false, null,
        Duration.ofHours(1), 0, Limits.DEFAULTS, engine, new ServerListener() {},
        new UnservedConnections(Limits.DEFAULTS.handshakeTimeout()));
  }

  /** A JDK client engine presenting {@code identity} and trusting the fixture's root. */
  static SSLEngine client(ServerFixture pki, Issued identity) {
    SSLContext context = TlsPolicy.context(identity.keyManager(),
        TlsProbe.trustManager(List.of(pki.root.certificate())));
    SSLEngine client = context.createSSLEngine("localhost", 8443);
    client.setUseClientMode(true);
    client.setSSLParameters(TlsPolicy.parameters(context, List.of("TLSv1.3")));
    return client;
  }

  /** Runs the handshake to its end on both sides; fails when it does not end within 50 turns. */
  static void run(SSLEngine client, SSLEngine server) throws Exception {
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
}
