package dev.mtls.server;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.reload.MaterialEvent;
import dev.mtls.pki.material.reload.MaterialLog;
import dev.mtls.pki.material.reload.ReloadableIdentity;
import dev.mtls.pki.material.reload.ReloadableTrust;
import dev.mtls.pki.material.renewal.Renewal;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.TlsPolicy;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.server.internal.http.Drain;
import dev.mtls.server.internal.http.HandlerChain;
import dev.mtls.server.internal.http.HttpsListener;
import dev.mtls.server.internal.http.ListenerOptions;
import dev.mtls.server.internal.http.ManagementListener;
import dev.mtls.server.internal.identity.ClientAuthenticator;
import dev.mtls.server.internal.material.ServerMaterial;
import dev.mtls.server.internal.observe.AccessLog;
import dev.mtls.server.internal.observe.CrlDeadlines;
import dev.mtls.server.internal.observe.Listeners;
import dev.mtls.server.internal.observe.RejectionLog;
import dev.mtls.server.internal.observe.ServerMetrics;
import dev.mtls.server.internal.observe.StartupReport;
import dev.mtls.server.internal.observe.StatusDocument;
import dev.mtls.server.internal.tls.HandshakeThreads;
import dev.mtls.server.internal.tls.ServerSslContext;
import dev.mtls.server.internal.tls.UnservedConnections;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.server.HttpHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTPS server that identifies clients by their certificates, maps them to roles and authorizes each route:
 *
 * <pre>{@code
 * try (MtlsServer server = MtlsServer.builder()
 *     .identityPem(Path.of("tls.crt"), Path.of("tls.key"), null)
 *     .trustPem(Path.of("ca.crt"))
 *     .addCrlFile(Path.of("crl.pem"))
 *     .roleRulesFile(Path.of("roles.conf"))
 *     .route(Methods.GET, "/api/orders/{id}", Roles.anyOf("orders"), exchange -> {
 *       Caller caller = Caller.of(exchange);
 *       ...
 *     })
 *     .port(8443)
 *     .build()
 *     .start()) {
 *   ...
 * }
 * }</pre>
 *
 * The service's routes are plain Undertow handlers; the server puts its security chain in front of them: the trust
 * check ({@link Caller} attached, or 401), the route table (404 for an unknown path, 405, 403 without a role), and
 * events for every refusal, request and reload ({@link ServerListener}).
 *
 * Every client is judged by the trust core ({@link Trust}) in the handshake, and again at each request whenever
 * the decision may no longer hold (a reload, a certificate's notAfter, a CRL's nextUpdate): a client that stops
 * being trusted gets 401 and its connection is closed. Material given as files (identity, trust anchors, each CRL
 * file, role rules) is reloaded when the files change, each on its own; a broken replacement is logged and retried,
 * and the old material stays in service. A plain-HTTP management listener answers {@code /health} and
 * {@code /ready} without client certificates.
 */
public final class MtlsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MtlsServer.class);

  private final ServerMaterial material;
  private final ServerMetrics metrics;
  private final RejectionLog rejectionLog;
  private final CrlDeadlines crlDeadlines;
  private final ServerSslContext tls;
  private final HandshakeThreads handshakes;
  private final Drain drain;
  private final UnservedConnections unserved;
  private final HttpsListener https;
  private final ManagementListener management;
  private final StartupReport startup;
  private final Duration reloadInterval;
  private final Renewal renewal;
  private volatile boolean ready;

  MtlsServer(MtlsServerBuilder builder) {
    ReloadableTrust trust = builder.trust.build();
    ReloadableIdentity identity = builder.identity.apply(builder.clock);
    this.metrics = new ServerMetrics(builder.meterRegistry != null ? builder.meterRegistry
        : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), identity::current, trust, builder.clock);
    this.rejectionLog = new RejectionLog(builder.rejectionLogInterval);
    List<ServerListener> all = new ArrayList<>(List.of(rejectionLog, materialLog(),
        new AccessLog(builder.accessLogFormat)));
    all.addAll(builder.listeners);
    all.add(metrics);
    Listeners listeners = new Listeners(all);
    // Before the material is loaded: building a renewal completes a replacement of the files a crash interrupted.
    this.renewal = builder.renewFrom == null ? null : Renewal.from(builder.renewFrom)
        .identityPem(builder.identityChain, builder.identityKey, builder.identityPassword).trust(trust)
        .purpose(Purpose.SERVER).clock(builder.clock).listener(listeners).afterWrite(this::reload).build();
    this.material = new ServerMaterial(identity, trust,
        new ServerMaterial.Rules<>(builder.roleRules, builder.roleRulesFile), builder.routes,
        new ServerMaterial.Rules<>(builder.routeRules, builder.routeRulesFile), builder.clock, listeners);
    this.crlDeadlines = new CrlDeadlines(trust, builder.clock, listeners);

    boolean mayWaitOnNetwork = trust.get().revocationSource().isPresent() || builder.staplingTimeout != null;
    if (builder.tlsEngine == TlsEngine.CONSCRYPT && mayWaitOnNetwork) {
      throw new ConfigException("tls-engine conscrypt runs the trust decision on the connection's I/O thread, where"
          + " a revocation fetch would stall every connection of that thread; check revocation with CRL files, or"
          + " use the jdk engine");
    }
    this.unserved = new UnservedConnections(builder.limits.handshakeTimeout());
    this.drain = new Drain(unserved);
    this.tls = ServerSslContext.create(identity, trust, builder.clock, builder.protocols, builder.http2,
        builder.staplingTimeout, builder.maxConnectionLifetime, builder.tlsSessionCache, builder.limits,
        builder.tlsEngine, listeners, unserved);
    Gauge.builder("mtls.open.connections", tls, ServerSslContext::openConnections)
        .description("TLS connections open now").register(metrics.registry());
    HttpHandler chain = HandlerChain.of(new HandlerChain.Parts(drain, listeners, builder.clock,
        builder.maxConnectionLifetime, new ClientAuthenticator(trust, material::roleRules, builder.clock),
        builder.trustedProxies, builder.forwardedIntermediates, material::routes));
    this.handshakes = HandshakeThreads.forServer(builder.limits.maxConnections(), mayWaitOnNetwork);
    this.https = new HttpsListener(builder.host, builder.port, tls, handshakes, ListenerOptions.of(builder.limits,
        builder.maxConnectionLifetime, builder.clientAuth, tls.parameters(), builder.http2), chain,
        builder.balancers, builder.limits.handshakeTimeout(), unserved, listeners, builder.clock);
    StatusDocument status = new StatusDocument(metrics, identity::current, trust, builder.clock, builder.clientAuth,
        List.of(TlsPolicy.protocols(builder.protocols)),
        tls.getProvider().getName() + " " + tls.getProvider().getVersionStr());
    this.management = builder.managementPort < 0 ? null : new ManagementListener(builder.managementHost,
        builder.managementPort, () -> ready, metrics.registry(), () -> status.render(ready));
    this.startup = new StartupReport(builder.host, builder.balancers, builder.clientAuth,
        List.of(TlsPolicy.protocols(builder.protocols)), builder.managementHost, builder.trustedProxies,
        builder.staplingTimeout != null, builder.maxConnectionLifetime);
    this.reloadInterval = builder.reloadInterval;
  }

  public static MtlsServerBuilder builder() {
    return new MtlsServerBuilder();
  }

  private static ServerListener materialLog() {
    MaterialLog log = new MaterialLog();
    return new ServerListener() {
      @Override
      public void materialChanged(MaterialEvent event) {
        log.onMaterialEvent(event);
      }
    };
  }

  /**
   * Binds the listeners and starts polling the material files. Fails with a {@link ConfigException} naming the
   * address when a port is in use.
   */
  public MtlsServer start() {
    https.start();
    if (management != null) {
      try {
        management.start();
      } catch (RuntimeException e) {
        https.stop();
        handshakes.close();
        throw e;
      }
    }
    material.start(reloadInterval);
    crlDeadlines.check();
    crlDeadlines.start(reloadInterval);
    if (renewal != null) {
      renewal.start();
    }
    ready = true;
    LOG.info("{}", startup.line(port(), managementPort(), identity().certificate(), trust(), roleRules()));
    return this;
  }

  /** Whether {@link #close()} has begun: the listener is closed and responses now close their connections. */
  boolean isDraining() {
    return drain.isDraining();
  }

  /** Connections accepted that have begun no request yet (behind a balancer: from before their PROXY header). */
  int unservedConnections() {
    return unserved.count();
  }

  /** TLS connections open now, from accept to close (also the {@code mtls_open_connections} gauge). */
  public int openConnections() {
    return tls.openConnections();
  }

  /** The bound HTTPS port (useful after asking for port 0). */
  public int port() {
    return https.port();
  }

  /** The bound management port, or -1 when the management listener is off. */
  public int managementPort() {
    return management == null ? -1 : management.port();
  }

  /** The role rules in service now. */
  public RoleRules roleRules() {
    return material.roleRules();
  }

  /** The server's metrics registry (also scraped at the management port's {@code /metrics}). */
  public PrometheusMeterRegistry meterRegistry() {
    return metrics.registry();
  }

  /** The routes in service now, most specific first, with the roles each needs. */
  public List<Route> routes() {
    return material.routes().routes();
  }

  /** The server identity in service now. */
  public Identity identity() {
    return material.identity().current();
  }

  /** The trust (anchors, CRLs) in service now. */
  public Trust trust() {
    return material.trust().get();
  }

  /**
   * Loads again every material file whose content changed since it was last applied, or that failed to load last
   * time, and puts what loads cleanly in service for new handshakes and for the next request on open connections.
   * Each unit (identity, trust anchors, each CRL file, role and route rules) on its own: a broken file is refused,
   * logged at WARN and tried again at the next poll, the material in service stays, and the other units' changes go
   * in. The server polls this by itself every reload interval; tests and the admin endpoint call it directly. Each
   * poll also warns about CRLs in the last quarter of their validity ({@link CrlRunningOut}).
   */
  public ReloadOutcome reload() {
    ReloadOutcome outcome = new ReloadOutcome(material.reload());
    crlDeadlines.check();
    return outcome;
  }

  /**
   * Stops accepting, lets requests in progress finish and answers connections accepted before (each for at most the
   * handshake timeout from its accept, when it sends no request), up to 10 seconds in all, then stops.
   */
  @Override
  public void close() {
    ready = false;
    if (renewal != null) {
      renewal.close();
    }
    // The listener first: a client told to reconnect (Connection: close, GOAWAY) must find it closed, not land in
    // its accept queue, which the close resets.
    https.drain();
    drain.start();
    material.close();
    crlDeadlines.close();
    try {
      drain.awaitIdle(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    https.stop();
    handshakes.close();
    if (management != null) {
      management.stop();
    }
    rejectionLog.close();
  }
}
