package dev.mtls.server;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.reload.MaterialEvent;
import dev.mtls.pki.material.reload.MaterialLog;
import dev.mtls.pki.material.reload.MaterialReloader;
import dev.mtls.pki.material.reload.MaterialUnit;
import dev.mtls.pki.material.reload.ReloadableIdentity;
import dev.mtls.pki.material.reload.ReloadableTrust;
import dev.mtls.pki.material.trust.MissingCrlPolicy;
import dev.mtls.pki.material.trust.PeerTrustManager;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.RevocationSource;
import dev.mtls.pki.material.trust.TlsPolicy;
import dev.mtls.pki.material.trust.Trust;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Signature;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Option;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.SslClientAuthMode;

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

  private final Builder config;
  private final ReloadableIdentity identity;
  private final ReloadableTrust trust;
  private final AtomicReference<RoleRules> roleRules = new AtomicReference<>();
  private final AtomicReference<RouteTable> routes = new AtomicReference<>();
  private final Listeners listeners;
  private final ServerMetrics metrics;
  private final RejectionLog rejectionLog;
  private final MaterialReloader reloader;
  private final SSLContext sslContext;
  private final DrainingHandler draining;
  private final Undertow https;
  private final OptionMap serverOptions;
  private final OptionMap socketOptions;
  private volatile BalancedListener balanced;
  private final Undertow management;
  private volatile boolean ready;

  private MtlsServer(Builder builder) {
    this.config = builder;
    this.identity = builder.identity.apply(builder.clock);
    this.trust = builder.trust.build();
    this.metrics = new ServerMetrics(builder.meterRegistry != null ? builder.meterRegistry
        : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> identity.current(), trust, builder.clock);
    this.rejectionLog = new RejectionLog(builder.rejectionLogInterval);
    List<ServerListener> all = new ArrayList<>(List.of(rejectionLog, materialLog(),
        new AccessLog(builder.accessLogFormat)));
    all.addAll(builder.listeners);
    all.add(metrics);
    this.listeners = new Listeners(all);
    java.util.function.Consumer<RoleRules> applyRules = rules -> {
      roleRules.set(rules);
      rules.warnings(trust.get().anchors().certificates()).forEach(warning -> LOG.warn("{}", warning));
    };
    MaterialUnit<RoleRules> rules = builder.roleRulesFile == null
        ? MaterialUnit.fixed("role rules", builder.roleRules, applyRules, RoleRules::toString)
        : MaterialUnit.of("role rules " + builder.roleRulesFile, List.of(builder.roleRulesFile),
            () -> RoleRules.load(builder.roleRulesFile), applyRules, r -> r.size() + " rules");
    List<Route> registered = List.copyOf(builder.routes);
    MaterialUnit<RouteTable> table = builder.routeRulesFile == null
        ? MaterialUnit.fixed("routes", builder.routeRules == null ? RouteTable.of(registered)
            : RouteTable.of(registered, builder.routeRules), routes::set, t -> t.routes().size() + " routes")
        : MaterialUnit.of("route rules " + builder.routeRulesFile, List.of(builder.routeRulesFile),
            () -> RouteTable.of(registered, RouteRules.load(builder.routeRulesFile)), routes::set,
            t -> t.routes().size() + " routes");
    List<MaterialUnit<?>> units = new ArrayList<>();
    units.add(identity.unit());
    units.addAll(trust.units());
    units.add(rules);
    units.add(table);
    this.reloader = new MaterialReloader(units, builder.clock).listener(listeners);
    // Everything is loaded before anything listens: start-up fails on the first bad file, with its name.
    reloader.loadAll();

    SSLContext jdkContext = builder.staplingTimeout == null
        ? TlsPolicy.context(identity.keyManager(), PeerTrustManager.forClients(trust, builder.clock))
        : OcspStapling.context(builder.staplingTimeout, () -> TlsPolicy.context(identity.keyManager(),
            PeerTrustManager.forClients(trust, builder.clock)));
    // A resumable session carries a validation: it must not outlive a connection.
    jdkContext.getServerSessionContext().setSessionTimeout(
        (int) Math.min(Integer.MAX_VALUE, Math.max(1, builder.maxConnectionLifetime.toSeconds())));
    SSLParameters parameters = TlsPolicy.parameters(jdkContext, builder.protocols);
    ServerSslContext serverContext = ServerSslContext.create(jdkContext, parameters,
        new HandshakeEvents(listeners, builder.clock), builder.limits);
    this.sslContext = serverContext;
    Gauge.builder("mtls.open.connections", serverContext, ServerSslContext::openConnections)
        .description("TLS connections open now").register(metrics.registry());

    HttpHandler handler = exchange -> routes.get().handleRequest(exchange);
    handler = new CrossSiteGuard(handler);
    RoleMapper roleMapper = (client, anchor, anchors) -> roleRules.get().rolesFor(client, anchor, anchors);
    handler = new ForwardedClientHandler(handler, builder.trustedProxyRoles, builder.forwardedIntermediates, trust,
        roleMapper, builder.clock, listeners);
    handler = new CallerHandler(handler, trust, roleMapper, builder.clock, listeners);
    handler = new ConnectionLifetimeHandler(handler, builder.maxConnectionLifetime);
    handler = new RequestEvents(handler, listeners, builder.clock);
    handler = new SecurityHeaders(handler);
    this.draining = new DrainingHandler(handler);

    // Every limit a peer can run into (Limits). Idle connections get no request to close them after, so the idle
    // timeout also bounds their lifetime (at least one second: Undertow treats tiny timeouts as "at once").
    this.serverOptions = OptionMap.builder()
        .set(UndertowOptions.ENABLE_HTTP2, false)
        .set(UndertowOptions.NO_REQUEST_TIMEOUT, millis(min(builder.limits.idleTimeout(),
            builder.maxConnectionLifetime)))
        .set(UndertowOptions.IDLE_TIMEOUT, millis(builder.limits.idleTimeout()))
        .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, millis(builder.limits.requestHeaderTimeout()))
        .set(UndertowOptions.MAX_HEADER_SIZE, builder.limits.maxHeaderBytes())
        .set(UndertowOptions.MAX_HEADERS, builder.limits.maxHeaders())
        .set(UndertowOptions.MAX_ENTITY_SIZE, builder.limits.maxRequestBodyBytes())
        .getMap();
    this.socketOptions = OptionMap.builder()
        .set(Options.SSL_CLIENT_AUTH_MODE, builder.clientAuth == ClientAuthMode.REQUIRED
            ? SslClientAuthMode.REQUIRED : SslClientAuthMode.REQUESTED)
        // Undertow applies these to each engine after the context's own parameters: keep both the same.
        .setSequence(Options.SSL_ENABLED_PROTOCOLS, parameters.getProtocols())
        .setSequence(Options.SSL_ENABLED_CIPHER_SUITES, parameters.getCipherSuites())
        // Beyond this many connections the listener stops accepting until a tenth of them have closed.
        .set(Options.CONNECTION_HIGH_WATER, builder.limits.maxConnections())
        .set(Options.CONNECTION_LOW_WATER, builder.limits.maxConnections() * 9 / 10)
        .getMap();
    Undertow.Builder undertow = Undertow.builder();
    if (builder.balancers == null) {
      undertow.addHttpsListener(builder.port, builder.host, sslContext);
    }
    copy(socketOptions, undertow::setSocketOption);
    copy(serverOptions, undertow::setServerOption);
    // Behind balancers the HTTPS listener is opened on this server's worker at start (BalancedListener).
    this.https = undertow.setHandler(draining).build();
    this.management = builder.managementPort < 0 ? null : Undertow.builder()
        .addHttpListener(builder.managementPort, builder.managementHost)
        .setIoThreads(1)
        .setWorkerThreads(2)
        .setHandler(Handlers.routing()
            .get("/health", exchange -> Responses.text(exchange, 200, "ok"))
            .get("/ready", exchange -> Responses.text(exchange, ready ? 200 : 503, ready ? "ready" : "not ready"))
            .get("/metrics", exchange -> {
              exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
              exchange.getResponseSender().send(metrics.registry().scrape());
            })
            .get("/status", exchange -> Responses.json(exchange, 200, status())))
        .build();
  }

  public static Builder builder() {
    return new Builder();
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
    listen(https, config.host, config.port, "HTTPS");
    if (config.balancers != null) {
      balanced = openBalanced();
    }
    if (management != null) {
      try {
        listen(management, config.managementHost, config.managementPort, "management");
      } catch (RuntimeException e) {
        https.stop();
        throw e;
      }
    }
    reloader.start(config.reloadInterval, "mtls-reload");
    ready = true;
    X509Certificate certificate = identity.current().certificate();
    Trust current = trust.get();
    LOG.info("listening on https://{}:{}{} (client certificates {}, {}); management on {}; server certificate {}"
            + " valid until {}; {} trust anchor(s); {}; role rules {}{}; connections and TLS sessions live at most {}",
        config.host, port(), config.balancers == null ? "" : " behind balancers " + config.balancers
            + " (PROXY protocol)", config.clientAuth, String.join(" ", TlsPolicy.protocols(config.protocols)),
        management == null ? "off" : "http://" + config.managementHost + ":" + managementPort(),
        DistinguishedName.of(certificate.getSubjectX500Principal()).toDisplayString(),
        certificate.getNotAfter().toInstant(), current.anchors().certificates().size(),
        revocation(current), roleRules.get(), config.trustedProxyRoles.isEmpty() ? ""
            : "; forwarded client certificates trusted from roles " + new TreeSet<>(config.trustedProxyRoles),
        config.maxConnectionLifetime);
    return this;
  }

  /** Whether {@link #close()} has begun: responses now close their connections. */
  boolean isDraining() {
    return draining.isDraining();
  }

  private String revocation(Trust current) {
    if (!current.checksRevocation()) {
      return "revocation not checked (no CRL or OCSP responder)";
    }
    String crls = current.crls().all().size() + " CRL(s)";
    String online = current.revocationSource().map(source -> ", " + source).orElse("");
    return crls + online + ", a CA none of them covers is " + (current.missingCrl() == MissingCrlPolicy.REFUSE
        ? "refused" : "accepted") + (config.staplingTimeout == null ? "" : "; stapling OCSP for our certificate");
  }

  /** What {@code GET /status} shows: the material in service and until when, the TLS settings, the counters. */
  private Map<String, Object> status() {
    Map<String, Object> status = metrics.status(identity.current(), ready);
    status.put("clientAuth", config.clientAuth.name());
    status.put("protocols", List.of(TlsPolicy.protocols(config.protocols)));
    status.put("cryptoProviders", cryptoProviders());
    return status;
  }

  /** Which JCA provider computes each primitive of a handshake and of the records now (a JVM-wide choice). */
  private static Map<String, Object> cryptoProviders() {
    Map<String, Object> providers = new LinkedHashMap<>();
    providers.put("SHA256withECDSA", provider(() -> Signature.getInstance("SHA256withECDSA").getProvider()));
    providers.put("ECDH", provider(() -> KeyAgreement.getInstance("ECDH").getProvider()));
    providers.put("X25519", provider(() -> KeyAgreement.getInstance("X25519").getProvider()));
    providers.put("AES/GCM/NoPadding", provider(() -> Cipher.getInstance("AES/GCM/NoPadding").getProvider()));
    providers.put("HmacSHA256", provider(() -> Mac.getInstance("HmacSHA256").getProvider()));
    return providers;
  }

  private interface ProviderLookup {
    Provider find() throws GeneralSecurityException;
  }

  private static String provider(ProviderLookup lookup) {
    try {
      return lookup.find().getName();
    } catch (GeneralSecurityException e) {
      return "unavailable";
    }
  }

  private static int millis(Duration duration) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1000, duration.toMillis()));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** TLS connections open now, from accept to close (also the {@code mtls_open_connections} gauge). */
  public int openConnections() {
    return sslContext instanceof ServerSslContext observed ? observed.openConnections() : 0;
  }

  /** The bound HTTPS port (useful after asking for port 0). */
  public int port() {
    return balanced != null ? balanced.port() : boundPort(https);
  }

  /** The bound management port, or -1 when the management listener is off. */
  public int managementPort() {
    return management == null ? -1 : boundPort(management);
  }

  /** The role rules in service now. */
  public RoleRules roleRules() {
    return roleRules.get();
  }

  /** The server's metrics registry (also scraped at the management port's {@code /metrics}). */
  public PrometheusMeterRegistry meterRegistry() {
    return metrics.registry();
  }

  /** The routes in service now, most specific first, with the roles each needs. */
  public List<Route> routes() {
    return routes.get().routes();
  }

  /** The server identity in service now. */
  public Identity identity() {
    return identity.current();
  }

  /** The trust (anchors, CRLs) in service now. */
  public Trust trust() {
    return trust.get();
  }

  /**
   * Loads again every material file whose content changed since it was last applied, or that failed to load last
   * time, and puts what loads cleanly in service for new handshakes and for the next request on open connections.
   * Each unit (identity, trust anchors, each CRL file, role and route rules) on its own: a broken file is refused,
   * logged at
   * WARN and tried again at the next poll, the material in service stays, and the other units' changes go in. The
   * server polls this by itself every reload interval; tests and the admin endpoint call it directly.
   */
  public ReloadOutcome reload() {
    return new ReloadOutcome(reloader.poll());
  }

  /** Stops accepting, lets requests in progress finish (up to 10 seconds), then stops. */
  @Override
  public void close() {
    ready = false;
    if (balanced != null) {
      balanced.close();
    }
    draining.drain();
    reloader.close();
    try {
      draining.awaitIdle(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    https.stop();
    if (management != null) {
      management.stop();
    }
    rejectionLog.close();
  }

  private static void listen(Undertow undertow, String host, int port, String what) {
    try {
      undertow.start();
    } catch (RuntimeException e) {
      undertow.stop();
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof BindException) {
          throw new ConfigException("cannot listen for " + what + " on " + host + ":" + port + ": "
              + (String.valueOf(t.getMessage()).contains("in use") ? "the port is already in use" : t.getMessage()),
              e);
        }
      }
      throw new ConfigException("cannot start the " + what + " listener on " + host + ":" + port + ": "
          + e.getMessage(), e);
    }
  }

  /** The HTTPS listener behind a balancer, on the worker Undertow started. */
  private BalancedListener openBalanced() {
    OptionMap socket = OptionMap.builder().addAll(socketOptions).set(Options.TCP_NODELAY, true)
        .set(Options.REUSE_ADDRESSES, true).set(Options.BACKLOG, 1000).getMap();
    OptionMap server = OptionMap.builder().set(UndertowOptions.BUFFER_PIPELINED_DATA, true).addAll(serverOptions)
        .getMap();
    try {
      return BalancedListener.open(https.getWorker(), new InetSocketAddress(config.host, config.port), sslContext,
          socket, server, draining, config.balancers, listeners, config.clock);
    } catch (IOException e) {
      https.stop();
      throw new ConfigException("cannot listen for HTTPS on " + config.host + ":" + config.port + ": "
          + (e instanceof BindException ? "the port is already in use" : e.getMessage()), e);
    }
  }

  /** Copies every option of {@code options} into a builder's setter (Undertow's builder takes them one by one). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void copy(OptionMap options, java.util.function.BiConsumer<Option, Object> setter) {
    for (Option option : options) {
      setter.accept(option, options.get(option));
    }
  }

  private static int boundPort(Undertow undertow) {
    return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }




  /** Configures an {@link MtlsServer}. Identity, trust and role rules are required. */
  public static final class Builder {
    /** The default maximum connection (and TLS session) lifetime. */
    public static final Duration DEFAULT_MAX_CONNECTION_LIFETIME = Duration.ofHours(1);

    private Function<Clock, ReloadableIdentity> identity;
    private final ReloadableTrust.Builder trust = ReloadableTrust.builder();
    private Duration staplingTimeout;
    private Balancers balancers;
    private Set<String> trustedProxyRoles = Set.of();
    private List<X509Certificate> forwardedIntermediates = List.of();
    private RoleRules roleRules;
    private Path roleRulesFile;
    private final List<Route> routes = new ArrayList<>();
    private RouteRules routeRules;
    private Path routeRulesFile;
    private final List<ServerListener> listeners = new ArrayList<>();
    private Duration rejectionLogInterval = Duration.ofSeconds(10);
    private PrometheusMeterRegistry meterRegistry;
    private String host = "127.0.0.1";
    private int port = 8443;
    private String managementHost = "127.0.0.1";
    private int managementPort = 9090;
    private ClientAuthMode clientAuth = ClientAuthMode.REQUIRED;
    private List<String> protocols = TlsPolicy.PROTOCOLS;
    private Duration maxConnectionLifetime = DEFAULT_MAX_CONNECTION_LIFETIME;
    private Limits limits = Limits.DEFAULTS;
    private AccessLog.Format accessLogFormat = AccessLog.Format.TEXT;
    private Duration reloadInterval = Duration.ofSeconds(10);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** A fixed identity (never reloaded). */
    public Builder identity(Identity identity) {
      Objects.requireNonNull(identity, "identity == null");
      this.identity = clock -> ReloadableIdentity.fixed(identity, Purpose.SERVER, clock);
      return this;
    }

    /**
     * A PEM chain (leaf first, then intermediates) and key, reloaded when they change; {@code password} is null for
     * an unencrypted key. cert-manager's {@code tls.crt} and {@code tls.key} work as they are.
     */
    public Builder identityPem(Path chain, Path key, char[] password) {
      char[] copy = password == null ? null : password.clone();
      this.identity = clock -> ReloadableIdentity.pem(chain, key, copy, Purpose.SERVER, clock);
      return this;
    }

    /** A PKCS#12 key entry ({@code alias} null: the only one), reloaded when the file changes. */
    public Builder identityPkcs12(Path file, char[] password, String alias) {
      char[] copy = password == null ? null : password.clone();
      this.identity = clock -> ReloadableIdentity.pkcs12(file, copy, alias, Purpose.SERVER, clock);
      return this;
    }

    /** Fixed trust anchors for client certificates (never reloaded). */
    public Builder trust(TrustAnchors anchors) {
      trust.anchors(anchors);
      return this;
    }

    /** A PEM bundle of CA certificates (cert-manager's {@code ca.crt}), reloaded when it changes. */
    public Builder trustPem(Path bundle) {
      trust.anchorsPem(bundle);
      return this;
    }

    /** The trusted-certificate entries of a PKCS#12 truststore, reloaded when it changes. */
    public Builder trustPkcs12(Path file, char[] password) {
      trust.anchorsPkcs12(file, password);
      return this;
    }

    /**
     * A PEM file of CRLs (e.g. {@code pki crl}'s crl.pem, which holds the issuing CA's and the root's), reloaded when
     * it changes. Once any CRL is configured, every CA in a client's path needs one: see {@link #missingCrl}. If
     * unset: revocation is not checked.
     */
    public Builder addCrlFile(Path file) {
      trust.addCrlFile(file);
      return this;
    }

    /** CRLs given in memory (never reloaded). */
    public Builder crls(List<X509CRL> crls) {
      trust.crls("configured CRLs", crls);
      return this;
    }

    /**
     * Where to ask about a client certificate no CRL file decides: OCSP responders and CRL distribution points,
     * e.g. {@code OnlineRevocation.builder().ocspFromCertificates().crlsFromCertificates().build()}. Answers are
     * cached within their validity (and its max age), so a client revoked while connected is refused once its
     * verdict runs out. If unset: only CRL files count.
     */
    public Builder revocationSource(RevocationSource source) {
      trust.revocationSource(source);
      return this;
    }

    /**
     * Serve behind L4 load balancers: every connection must come from one of {@code balancers} and start with a
     * PROXY protocol header (v1 or v2) naming the real client, which the access log, events and the per-address
     * limit then see; a connection from anywhere else is closed at once and reported as a refusal. If unset: clients
     * connect directly and no PROXY header is read.
     */
    public Builder proxyProtocolFrom(Balancers balancers) {
      this.balancers = Objects.requireNonNull(balancers, "balancers == null");
      return this;
    }

    /**
     * The roles whose holders are trusted proxies: a TLS-terminating proxy (nginx, HAProxy) whose own client
     * certificate the role rules map to one of them may forward its client's certificate (RFC 9440
     * {@code Client-Cert}, {@code Client-Cert-Chain}, or nginx's URL-encoded PEM), which is then judged by the same
     * trust core and serves as the {@link Caller} (naming the proxy). From any other client such headers are refused
     * with 400. If unset: no proxy is trusted.
     */
    public Builder trustedProxyRoles(Set<String> roles) {
      this.trustedProxyRoles = Set.copyOf(roles);
      return this;
    }

    /**
     * CA certificates that may complete the path of a forwarded client certificate when the proxy forwards the leaf
     * alone (nginx); they are never trust anchors. If unset: none.
     */
    public Builder forwardedIntermediates(List<X509Certificate> certificates) {
      this.forwardedIntermediates = List.copyOf(certificates);
      return this;
    }

    /**
     * Staple an OCSP response for our own certificate to each handshake (the JDK's server-side stapling, from the
     * responder our certificate names), so clients learn its status without asking. A fetch waits at most
     * {@code timeout}; the JDK keeps good answers until their nextUpdate, but while the responder is down each new
     * handshake waits up to the timeout and goes without a staple. If unset: no stapling.
     */
    public Builder ocspStapling(Duration timeout) {
      this.staplingTimeout = timeout;
      return this;
    }

    /**
     * What to do when CRLs are configured but a CA in a client's path has none. If unset: refuse, because its
     * revocation cannot be checked. A CRL past its nextUpdate is always refused.
     */
    public Builder missingCrl(MissingCrlPolicy policy) {
      trust.missingCrl(policy);
      return this;
    }

    /** Fixed role rules. */
    public Builder roleRules(RoleRules rules) {
      this.roleRules = Objects.requireNonNull(rules, "rules == null");
      this.roleRulesFile = null;
      return this;
    }

    /** A role rules file, reloaded when it changes. */
    public Builder roleRulesFile(Path file) {
      this.roleRulesFile = Objects.requireNonNull(file, "file == null");
      this.roleRules = null;
      return this;
    }

    /**
     * A route of the service: requests for {@code method} on a path {@code pattern} matches (literal segments,
     * {@code {name}}, a final {@code **}) from a caller holding one of {@code roles} go to {@code handler}, behind the
     * security chain. Paths without a route are 404: access is denied by default.
     */
    public Builder route(HttpString method, String pattern, Roles roles, HttpHandler handler) {
      routes.add(new Route(method, PathPattern.of(pattern), roles, handler));
      return this;
    }

    /**
     * Like {@link #route(HttpString, String, Roles, HttpHandler)}, with its own request body limit instead of
     * {@link Limits#maxRequestBodyBytes()} (an upload route may take more, a form less); 413 beyond it.
     */
    public Builder route(HttpString method, String pattern, Roles roles, long maxRequestBodyBytes,
        HttpHandler handler) {
      if (maxRequestBodyBytes < 0) {
        throw new IllegalArgumentException("maxRequestBodyBytes < 0: " + maxRequestBodyBytes);
      }
      return route(method, pattern, roles, exchange -> {
        exchange.setMaxEntitySize(maxRequestBodyBytes);
        handler.handleRequest(exchange);
      });
    }

    /**
     * Roles per route from rules (METHOD PATTERN ROLES per line) instead of those given in code: every rule must name
     * a registered route, and a registered route the rules do not list is not served.
     */
    public Builder routeRules(RouteRules rules) {
      this.routeRules = Objects.requireNonNull(rules, "rules == null");
      this.routeRulesFile = null;
      return this;
    }

    /** Like {@link #routeRules(RouteRules)}, from a file that is reloaded when it changes. */
    public Builder routeRulesFile(Path file) {
      this.routeRulesFile = Objects.requireNonNull(file, "file == null");
      this.routeRules = null;
      return this;
    }

    /**
     * Where the server's metrics go (e.g. the service's own registry, to scrape everything at once). If unset: a
     * registry of its own. Either way the management port's {@code /metrics} serves it.
     */
    public Builder meterRegistry(PrometheusMeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry == null");
      return this;
    }

    /**
     * Refusals alike (same reason and issuer) are logged once per this interval, with a count of the others when it
     * ends; events and metrics still see each one. If unset: 10 seconds.
     */
    public Builder rejectionLogInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval == null");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("rejection log interval must be positive: " + interval);
      }
      this.rejectionLogInterval = interval;
      return this;
    }

    /** Also tell {@code listener} what the server does (refusals, requests, reloads); logging always listens. */
    public Builder listener(ServerListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener == null"));
      return this;
    }

    /** The HTTPS listener's address. If unset: 127.0.0.1 (use 0.0.0.0 to listen on all interfaces). */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host == null");
      return this;
    }

    /** The HTTPS port; 0 picks a free one (see {@link MtlsServer#port()}). If unset: 8443. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The management listener's address. If unset: 127.0.0.1. */
    public Builder managementHost(String host) {
      this.managementHost = Objects.requireNonNull(host, "host == null");
      return this;
    }

    /**
     * The management port (plain HTTP, no client certificate; keep it on loopback or a private network):
     * {@code /health}, {@code /ready}, {@code /metrics} (Prometheus), {@code /status} (JSON). 0 picks a free one, -1
     * turns the listener off. If unset: 9090.
     */
    public Builder managementPort(int port) {
      this.managementPort = port;
      return this;
    }

    /** If unset: {@link ClientAuthMode#REQUIRED}. */
    public Builder clientAuth(ClientAuthMode mode) {
      this.clientAuth = Objects.requireNonNull(mode, "mode == null");
      return this;
    }

    /** TLS protocols, narrowed to the policy's (e.g. only TLSv1.2). If unset: TLSv1.3 and TLSv1.2. */
    public Builder protocols(List<String> protocols) {
      this.protocols = List.copyOf(protocols);
      return this;
    }

    /**
     * Close connections older than this after their next response, and idle ones after it; TLS sessions cannot be
     * resumed after it either. If unset: {@link #DEFAULT_MAX_CONNECTION_LIFETIME} (one hour).
     */
    public Builder maxConnectionLifetime(Duration lifetime) {
      this.maxConnectionLifetime = Objects.requireNonNull(lifetime, "lifetime == null");
      return this;
    }

    /** What one peer may cost: timeouts, connections, header and body sizes. If unset: {@link Limits#DEFAULTS}. */
    public Builder limits(Limits limits) {
      this.limits = Objects.requireNonNull(limits, "limits == null");
      return this;
    }

    /** One access-log line per request in this format. If unset: {@link AccessLog.Format#TEXT}. */
    public Builder accessLogFormat(AccessLog.Format format) {
      this.accessLogFormat = Objects.requireNonNull(format, "format == null");
      return this;
    }

    /** How often material files are checked for changes; zero turns polling off. If unset: 10 seconds. */
    public Builder reloadInterval(Duration interval) {
      this.reloadInterval = Objects.requireNonNull(interval, "interval == null");
      return this;
    }

    /**
     * The clock for every trust decision: handshakes, the check at each request, and the server's own certificate.
     * If unset: the system clock.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * Loads and checks all material; fails with a one-line {@link ConfigException} or
     * {@link dev.mtls.pki.material.KeyMaterialException} naming the bad file.
     */
    public MtlsServer build() {
      if (identity == null) {
        throw new IllegalStateException("no server identity; call identity(), identityPem() or identityPkcs12()");
      }
      if (!trust.hasAnchors()) {
        throw new IllegalStateException("no trust anchors for client certificates; call trust(), trustPem() or"
            + " trustPkcs12()");
      }
      if (roleRules == null && roleRulesFile == null) {
        throw new IllegalStateException("no role rules; call roleRules() or roleRulesFile()");
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      if (managementPort < -1 || managementPort > 65535) {
        throw new IllegalArgumentException("management port out of range: " + managementPort);
      }
      if (maxConnectionLifetime.isNegative() || maxConnectionLifetime.isZero()) {
        throw new IllegalArgumentException("max connection lifetime must be positive: " + maxConnectionLifetime);
      }
      if (reloadInterval.isNegative()) {
        throw new IllegalArgumentException("reload interval must not be negative: " + reloadInterval);
      }
      TlsPolicy.protocols(protocols);
      return new MtlsServer(this);
    }
  }
}
