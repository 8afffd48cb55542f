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
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * {@code pki serve}'s EST listener: HTTPS on a port of its own with the CA's EST server certificate (kept in the CA
 * directory, renewed in place once two thirds of its life have passed), EST at {@link PublicationServer#EST_PATH}.
 * Every certificate issued is printed as one line, and refusals, which anyone who reaches the port can cause, at
 * most one a second.
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
    EstService est = EstService.forCa(ca, lifetime, Clock.systemUTC()).observedBy(new Lines(out));
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

  /** Prints each issuance, and a refusal when none was printed in the last second (saying how many were not). */
  private static final class Lines implements Consumer<EstEvent> {
    private static final long REFUSAL_INTERVAL = TimeUnit.SECONDS.toNanos(1);
    private final PrintWriter out;
    private final AtomicLong nextRefusal = new AtomicLong(System.nanoTime());
    private final AtomicInteger unprinted = new AtomicInteger();

    Lines(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void accept(EstEvent event) {
      long now = System.nanoTime();
      long next = nextRefusal.get();
      if (event.issued()) {
        out.println(line(event));
      } else if (now - next >= 0 && nextRefusal.compareAndSet(next, now + REFUSAL_INTERVAL)) {
        int more = unprinted.getAndSet(0);
        out.println(line(event) + (more == 0 ? "" : " (and " + more + " refusals not shown)"));
      } else {
        unprinted.incrementAndGet();
      }
    }
  }

  private static String line(EstEvent event) {
    String who = event.subject() == null ? "-" : SafeText.escape(event.subject());
    return event.issued()
        ? "EST " + event.operation().name().toLowerCase(Locale.ROOT) + ": issued serial " + event.serial().toString(16) + " to "
            + who
        : "EST " + event.operation().name().toLowerCase(Locale.ROOT) + ": refused " + who + ": " + event.refusal() + ": "
            + SafeText.escape(event.message());
  }
}
