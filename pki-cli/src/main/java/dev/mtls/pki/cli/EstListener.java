package dev.mtls.pki.cli;

import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.EstEvent;
import dev.mtls.pki.EstService;
import dev.mtls.pki.PublicationServer;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.SubjectAltName;
import dev.mtls.pki.material.reload.ReloadingKeyManager;
import java.io.PrintWriter;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code pki serve}'s EST listener: HTTPS on a port of its own with the CA's EST server certificate (kept in the CA
 * directory, renewed in place once two thirds of its life have passed), EST at {@link PublicationServer#EST_PATH}.
 * Every answer is printed as one line.
 */
final class EstListener implements AutoCloseable {
  /** How long the EST server's own certificate is valid; it is renewed after two thirds of that. */
  static final Duration SERVER_CERTIFICATE_VALIDITY = Duration.ofDays(30);

  private final CaDirectory ca;
  private final List<SubjectAltName> names;
  private final ReloadingKeyManager keys;
  private final PublicationServer server;

  private EstListener(CaDirectory ca, List<SubjectAltName> names, ReloadingKeyManager keys, PublicationServer server) {
    this.ca = ca;
    this.names = names;
    this.keys = keys;
    this.server = server;
  }

  static EstListener start(CaDirectory ca, String host, int port, List<SubjectAltName> names, Duration lifetime,
      PrintWriter out) {
    ReloadingKeyManager keys = new ReloadingKeyManager(ca.estServerIdentity(names, SERVER_CERTIFICATE_VALIDITY));
    EstService est = EstService.forCa(ca, lifetime, Clock.systemUTC()).observedBy(event -> out.println(line(event)));
    PublicationServer server = PublicationServer.builder().host(host).port(port).tls(keys)
        .est(PublicationServer.EST_PATH, est).start();
    return new EstListener(ca, names, keys, server);
  }

  URI uri() {
    return server.uri(PublicationServer.EST_PATH);
  }

  X509Certificate certificate() {
    return keys.identity().certificate();
  }

  /** Puts a new server certificate in service once two thirds of the current one's life have passed. */
  void renewIfDue() {
    X509Certificate current = certificate();
    Instant start = current.getNotBefore().toInstant();
    Duration life = Duration.between(start, current.getNotAfter().toInstant());
    if (!Instant.now().isBefore(start.plus(life.multipliedBy(2).dividedBy(3)))) {
      Identity renewed = ca.estServerIdentity(names, SERVER_CERTIFICATE_VALIDITY);
      keys.update(renewed);
    }
  }

  @Override
  public void close() {
    server.close();
  }

  private static String line(EstEvent event) {
    String who = event.subject() == null ? "-" : SafeText.escape(event.subject());
    return event.issued()
        ? "EST " + event.operation().name().toLowerCase() + ": issued serial " + event.serial().toString(16) + " to "
            + who
        : "EST " + event.operation().name().toLowerCase() + ": refused " + who + ": " + event.refusal() + ": "
            + SafeText.escape(event.message());
  }
}
