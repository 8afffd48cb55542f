package dev.mtls.e2e;

import static org.assertj.core.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mtls.server.MtlsServer;
import dev.mtls.server.RejectionLog;
import dev.mtls.server.RouteRules;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Our server, in this JVM, as the third-party clients (curl, openssl s_client, Chromium) see it: the pki's
 * server certificate for localhost, our root as the only trust anchor for clients, and the role and route rules
 * shipped in {@code server/examples/} (admin = OU admins, reader = OU readers). It listens on 127.0.0.1 on a port
 * of its own choosing and records the WARN lines of {@link RejectionLog}, which say why a client was refused.
 */
final class PeerTestServer implements AutoCloseable {
  private static final Duration LOG_WAIT = Duration.ofSeconds(10);

  private final MtlsServer server;
  private final ListAppender<ILoggingEvent> rejections = new ListAppender<>();
  private final Logger rejectionLogger = (Logger) LoggerFactory.getLogger(RejectionLog.class);

  private PeerTestServer(E2ePki pki) {
    rejections.start();
    rejectionLogger.addAppender(rejections);
    this.server = MtlsServer.builder()
        .identity(pki.server().issued().identity())
        .trustPem(pki.rootPem())
        .roleRulesFile(Artifacts.serverExample("roles.conf"))
        .routeRules(RouteRules.load(Artifacts.serverExample("routes.conf")))
        .host("127.0.0.1")
        .port(0)
        .managementPort(-1)
        .reloadInterval(Duration.ZERO)
        .build()
        .start();
  }

  static PeerTestServer start(E2ePki pki) {
    return new PeerTestServer(pki);
  }

  int port() {
    return server.port();
  }

  /** {@code https://localhost:PORT} + {@code path}. */
  String url(String path) {
    return "https://localhost:" + port() + path;
  }

  /** Forgets the rejections logged so far (call before the request whose rejection a test asserts). */
  void clearRejections() {
    synchronized (rejections) {
      rejections.list.clear();
    }
  }

  /**
   * Waits (up to 10 s) for the server's first WARN rejection line since {@link #clearRejections()} and returns
   * it. The server logs it when its side of the handshake fails, which can be just after the client has exited.
   */
  String awaitRejection() {
    Instant deadline = Instant.now().plus(LOG_WAIT);
    while (Instant.now().isBefore(deadline)) {
      List<String> lines = rejectionLines();
      if (!lines.isEmpty()) {
        return lines.get(0);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return fail("the server logged no rejection at WARN within " + LOG_WAIT.toSeconds() + " s");
  }

  /** The WARN rejection lines logged since {@link #clearRejections()}. */
  List<String> rejectionLines() {
    synchronized (rejections) {
      return rejections.list.stream()
          .filter(event -> event.getLevel() == Level.WARN)
          .map(ILoggingEvent::getFormattedMessage)
          .toList();
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      rejectionLogger.detachAppender(rejections);
      rejections.stop();
    }
  }
}
