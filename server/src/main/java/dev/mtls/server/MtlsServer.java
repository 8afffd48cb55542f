package dev.mtls.server;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.TlsDefaults;
import dev.mtls.pki.material.TrustAnchors;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSessionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Options;
import org.xnio.Sequence;
import org.xnio.SslClientAuthMode;

/**
 * An HTTPS server that identifies clients by their certificates, maps them to roles and authorizes each route:
 *
 * <pre>{@code
 * try (MtlsServer server = MtlsServer.builder()
 *     .identityPem(Path.of("tls.crt"), Path.of("tls.key"), null)
 *     .trustPem(Path.of("ca.crt"))
 *     .roleRulesFile(Path.of("roles.conf"))
 *     .routeRules(RouteRules.load(Path.of("routes.conf")))
 *     .port(8443)
 *     .build()
 *     .start()) {
 *   ...
 * }
 * }</pre>
 *
 * Material given as files (identity, trust anchors, CRLs, role rules) is reloaded when the files change; a broken
 * replacement is logged and the old material stays in service. A plain-HTTP management listener answers
 * {@code /health} and {@code /ready} without client certificates.
 */
public final class MtlsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MtlsServer.class);

  /** The routes used when none are given: the sample endpoints with the demo roles. */
  public static final String DEFAULT_ROUTES = """
      GET   /                   *
      GET   /whoami             *
      GET   /api/reports        reader admin
      POST  /api/admin/reload   admin
      """;

  private final Builder config;
  private final Source<Identity> identitySource;
  private final Source<TrustAnchors> trustSource;
  private final Source<List<X509CRL>> crlSource;
  private final Source<RoleRules> rulesSource;
  private final ReloadingKeyManager keyManager;
  private final ReloadingTrustManager trustManager;
  private final AtomicReference<RoleRules> roleRules;
  private final SSLContext sslContext;
  private final Map<Source<?>, String> fingerprints = new HashMap<>();
  private final GracefulShutdownHandler graceful;
  private final Undertow https;
  private final Undertow management;
  private volatile boolean ready;
  private ScheduledExecutorService poller;

  private MtlsServer(Builder builder) {
    this.config = builder;
    this.identitySource = builder.identity;
    this.trustSource = builder.trust;
    this.crlSource = crlSource(builder.crlFiles, builder.allowStaleCrl, builder.clock);
    this.rulesSource = builder.roleRules;
    for (Source<?> source : List.of(identitySource, trustSource, crlSource, rulesSource)) {
      fingerprints.put(source, source.fingerprint());
    }
    // Everything is loaded before anything listens: start-up fails on the first bad file, with its name.
    Identity identity = checkedIdentity(identitySource.load(), builder.clock);
    TrustAnchors anchors = trustSource.load();
    List<X509CRL> crls = crlSource.load();
    RoleRules rules = rulesSource.load();
    this.keyManager = new ReloadingKeyManager(identity);
    this.trustManager = new ReloadingTrustManager(anchors,
        ClientCertificatePolicy.of(crls, builder.allowStaleCrl, builder.clock));
    this.roleRules = new AtomicReference<>(rules);

    SSLContext jdkContext = TlsDefaults.context(keyManager, trustManager);
    SSLParameters parameters = TlsDefaults.parameters(jdkContext, builder.protocols);
    this.sslContext = new ServerSslContext(jdkContext, parameters);

    RoleMapper mapper = client -> roleRules.get().rolesFor(client);
    HttpHandler handler = new RoleMappingHandler(routes(builder.routeRules, Endpoints.all(this::reload)), mapper);
    handler = new ClientIdentityHandler(handler, trustManager);
    if (builder.maxConnectionLifetime != null) {
      handler = new ConnectionLifetimeHandler(handler, builder.maxConnectionLifetime);
    }
    handler = new AccessLogHandler(handler, new AccessLog(builder.accessLogFormat));
    this.graceful = Handlers.gracefulShutdown(handler);

    Undertow.Builder httpsBuilder = Undertow.builder()
        .addHttpsListener(builder.port, builder.host, sslContext)
        .setSocketOption(Options.SSL_CLIENT_AUTH_MODE, builder.clientAuth == ClientAuthMode.REQUIRED
            ? SslClientAuthMode.REQUIRED : SslClientAuthMode.REQUESTED)
        // Undertow applies these to each engine after the context's own parameters: keep both the same.
        .setSocketOption(Options.SSL_ENABLED_PROTOCOLS, Sequence.of(parameters.getProtocols()))
        .setSocketOption(Options.SSL_ENABLED_CIPHER_SUITES, Sequence.of(parameters.getCipherSuites()))
        .setServerOption(UndertowOptions.ENABLE_HTTP2, false)
        .setHandler(graceful);
    if (builder.maxConnectionLifetime != null) {
      // Idle connections get no request to close them after, so they time out after the same lifetime
      // (at least one second: Undertow treats tiny timeouts as "close at once").
      httpsBuilder.setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT,
          (int) Math.min(Integer.MAX_VALUE, Math.max(1000, builder.maxConnectionLifetime.toMillis())));
    }
    this.https = httpsBuilder.build();
    this.management = builder.managementPort < 0 ? null : Undertow.builder()
        .addHttpListener(builder.managementPort, builder.managementHost)
        .setIoThreads(1)
        .setWorkerThreads(2)
        .setHandler(Handlers.routing()
            .get("/health", exchange -> Responses.text(exchange, 200, "ok"))
            .get("/ready", exchange -> Responses.text(exchange, ready ? 200 : 503, ready ? "ready" : "not ready")))
        .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the listeners and starts polling the material files. Fails with a {@link ConfigException} naming the
   * address when a port is in use.
   */
  public MtlsServer start() {
    listen(https, config.host, config.port, "HTTPS");
    if (management != null) {
      try {
        listen(management, config.managementHost, config.managementPort, "management");
      } catch (RuntimeException e) {
        https.stop();
        throw e;
      }
    }
    if (!config.reloadInterval.isZero()) {
      poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "mtls-reload");
        thread.setDaemon(true);
        return thread;
      });
      long millis = config.reloadInterval.toMillis();
      poller.scheduleWithFixedDelay(this::pollQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }
    ready = true;
    X509Certificate certificate = keyManager.identity().certificate();
    LOG.info("listening on https://{}:{} (client certificates {}, {}); management on {}; server certificate {}"
            + " valid until {}; {} trust anchor(s); {} CRL(s); role rules {}", config.host, port(), config.clientAuth,
        String.join(" ", TlsDefaults.protocols(config.protocols)),
        management == null ? "off" : "http://" + config.managementHost + ":" + managementPort(),
        DistinguishedName.of(certificate.getSubjectX500Principal()).toDisplayString(),
        certificate.getNotAfter().toInstant(), trustManager.anchors().certificates().size(),
        trustManager.policy().crls().size(), roleRules.get());
    return this;
  }

  /** The bound HTTPS port (useful after asking for port 0). */
  public int port() {
    return boundPort(https);
  }

  /** The bound management port, or -1 when the management listener is off. */
  public int managementPort() {
    return management == null ? -1 : boundPort(management);
  }

  /** The role rules in service now. */
  public RoleRules roleRules() {
    return roleRules.get();
  }

  /** The server identity in service now. */
  public Identity identity() {
    return keyManager.identity();
  }

  /**
   * Loads again every material file whose content changed since the last load, and puts what loads cleanly in
   * service for new handshakes and requests. A replacement that does not load (unparseable, key not matching the
   * certificate, expired, stale CRL) is logged at WARN and the material in service stays. The server polls this by
   * itself every reload interval; tests and the admin endpoint call it directly.
   */
  public synchronized ReloadOutcome reload() {
    List<String> applied = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    if (changed(identitySource)) {
      try {
        Identity identity = checkedIdentity(identitySource.load(), config.clock);
        keyManager.update(identity);
        X509Certificate certificate = identity.certificate();
        applied.add("server certificate " + DistinguishedName.of(certificate.getSubjectX500Principal())
            .toDisplayString() + " (serial " + certificate.getSerialNumber().toString(16) + ", valid until "
            + certificate.getNotAfter().toInstant() + ")");
      } catch (RuntimeException e) {
        refused.add("server certificate: " + SafeText.escape(e.getMessage()));
      }
    }
    boolean trustChanged = changed(trustSource);
    boolean crlsChanged = changed(crlSource);
    if (trustChanged || crlsChanged) {
      try {
        TrustAnchors anchors = trustChanged ? trustSource.load() : trustManager.anchors();
        ClientCertificatePolicy policy = crlsChanged
            ? ClientCertificatePolicy.of(crlSource.load(), config.allowStaleCrl, config.clock)
            : trustManager.policy();
        trustManager.update(anchors, policy);
        invalidateSessions();
        if (trustChanged) {
          applied.add("trust anchors (" + anchors.certificates().size() + " certificates)");
        }
        if (crlsChanged) {
          applied.add("CRLs (" + policy.crls().size() + ")");
        }
      } catch (RuntimeException e) {
        refused.add((trustChanged ? "trust anchors" : "CRLs") + ": " + SafeText.escape(e.getMessage()));
      }
    }
    if (changed(rulesSource)) {
      try {
        RoleRules rules = rulesSource.load();
        roleRules.set(rules);
        applied.add("role rules " + rules);
      } catch (RuntimeException e) {
        refused.add("role rules: " + SafeText.escape(e.getMessage()));
      }
    }
    applied.forEach(line -> LOG.info("reloaded {}", line));
    refused.forEach(line -> LOG.warn("kept the material in service; refused the replacement {}", line));
    return new ReloadOutcome(applied, refused);
  }

  /** Stops accepting, lets requests in progress finish (up to 10 seconds), then stops. */
  @Override
  public void close() {
    ready = false;
    if (poller != null) {
      poller.shutdownNow();
    }
    graceful.shutdown();
    try {
      graceful.awaitShutdown(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    https.stop();
    if (management != null) {
      management.stop();
    }
  }

  private void pollQuietly() {
    try {
      reload();
    } catch (RuntimeException e) {
      LOG.warn("reload failed: {}", SafeText.escape(String.valueOf(e.getMessage())));
    }
  }

  private boolean changed(Source<?> source) {
    if (source.files().isEmpty()) {
      return false;
    }
    String now = source.fingerprint();
    String before = fingerprints.put(source, now);
    return !now.equals(before);
  }

  /** Resumable sessions were validated under the old anchors and CRLs: make clients handshake in full. */
  private void invalidateSessions() {
    SSLSessionContext sessions = sslContext.getServerSessionContext();
    for (byte[] id : Collections.list(sessions.getIds())) {
      javax.net.ssl.SSLSession session = sessions.getSession(id);
      if (session != null) {
        session.invalidate();
      }
    }
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

  private static int boundPort(Undertow undertow) {
    return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  private static HttpHandler routes(RouteRules rules, Map<String, HttpHandler> endpoints) {
    RoutingHandler routing = Handlers.routing();
    for (RouteRules.Route route : rules.routes()) {
      HttpHandler endpoint = endpoints.get(route.method() + " " + route.path());
      if (endpoint == null) {
        throw new ConfigException(rules.source() + ":" + route.line() + ": this server has no endpoint "
            + route.method() + " " + route.path() + "; its endpoints are " + String.join(", ", endpoints.keySet()));
      }
      routing.add(route.method(), route.path(), new RoleCheckHandler(endpoint, route));
    }
    routing.setFallbackHandler(exchange -> Responses.text(exchange, 404, "no such route"));
    return routing;
  }

  private static Identity checkedIdentity(Identity identity, Clock clock) {
    X509Certificate certificate = identity.certificate();
    Instant now = clock.instant();
    String subject = DistinguishedName.of(certificate.getSubjectX500Principal()).toDisplayString();
    if (certificate.getNotAfter().toInstant().isBefore(now)) {
      throw new ConfigException("the server certificate " + subject + " expired on "
          + certificate.getNotAfter().toInstant());
    }
    if (certificate.getNotBefore().toInstant().isAfter(now)) {
      throw new ConfigException("the server certificate " + subject + " is not valid before "
          + certificate.getNotBefore().toInstant());
    }
    return identity;
  }

  private static Source<List<X509CRL>> crlSource(List<Path> files, boolean allowStale, Clock clock) {
    return new Source<>("CRLs", files, () -> {
      ClientCertificatePolicy probe = ClientCertificatePolicy.of(List.of(), allowStale, clock);
      List<X509CRL> crls = new ArrayList<>();
      for (Path file : files) {
        for (X509CRL crl : Pem.loadCrls(file)) {
          if (probe.isStale(crl)) {
            String issuer = DistinguishedName.of(crl.getIssuerX500Principal()).toDisplayString();
            if (!allowStale) {
              throw new ConfigException(file + ": the CRL of " + issuer + " is past its nextUpdate ("
                  + crl.getNextUpdate().toInstant() + "); publish a fresh CRL, or allow stale CRLs");
            }
            LOG.warn("{}: the CRL of {} is past its nextUpdate ({}); using it because stale CRLs are allowed",
                file, issuer, crl.getNextUpdate().toInstant());
          }
          crls.add(crl);
        }
      }
      return List.copyOf(crls);
    });
  }

  /** Configures an {@link MtlsServer}. Identity, trust and role rules are required. */
  public static final class Builder {
    private Source<Identity> identity;
    private Source<TrustAnchors> trust;
    private Source<RoleRules> roleRules;
    private RouteRules routeRules = RouteRules.parse(DEFAULT_ROUTES, "default routes");
    private final List<Path> crlFiles = new ArrayList<>();
    private boolean allowStaleCrl;
    private String host = "127.0.0.1";
    private int port = 8443;
    private String managementHost = "127.0.0.1";
    private int managementPort = 9090;
    private ClientAuthMode clientAuth = ClientAuthMode.REQUIRED;
    private List<String> protocols = TlsDefaults.PROTOCOLS;
    private Duration maxConnectionLifetime;
    private AccessLog.Format accessLogFormat = AccessLog.Format.TEXT;
    private Duration reloadInterval = Duration.ofSeconds(10);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** A fixed identity (never reloaded). */
    public Builder identity(Identity identity) {
      Objects.requireNonNull(identity, "identity == null");
      this.identity = Source.fixed("identity", identity);
      return this;
    }

    /**
     * A PEM chain (leaf first, then intermediates) and key, reloaded when they change; {@code password} is null for
     * an unencrypted key. cert-manager's {@code tls.crt} and {@code tls.key} work as they are.
     */
    public Builder identityPem(Path chain, Path key, char[] password) {
      char[] copy = password == null ? null : password.clone();
      this.identity = new Source<>("identity", List.of(chain, key), () -> Identity.loadPem(chain, key, copy));
      return this;
    }

    /** A PKCS#12 key entry ({@code alias} null: the only one), reloaded when the file changes. */
    public Builder identityPkcs12(Path file, char[] password, String alias) {
      char[] copy = password == null ? null : password.clone();
      this.identity = new Source<>("identity", List.of(file), () -> Identity.loadPkcs12(file, copy, alias));
      return this;
    }

    /** Fixed trust anchors for client certificates (never reloaded). */
    public Builder trust(TrustAnchors anchors) {
      Objects.requireNonNull(anchors, "anchors == null");
      this.trust = Source.fixed("trust anchors", anchors);
      return this;
    }

    /** A PEM bundle of CA certificates (cert-manager's {@code ca.crt}), reloaded when it changes. */
    public Builder trustPem(Path bundle) {
      this.trust = new Source<>("trust anchors", List.of(bundle), () -> TrustAnchors.loadPem(bundle));
      return this;
    }

    /** The trusted-certificate entries of a PKCS#12 truststore, reloaded when it changes. */
    public Builder trustPkcs12(Path file, char[] password) {
      char[] copy = password == null ? null : password.clone();
      this.trust = new Source<>("trust anchors", List.of(file), () -> TrustAnchors.loadPkcs12(file, copy));
      return this;
    }

    /** A PEM file of CRLs to check client chains against, reloaded when it changes. If unset: no CRL checks. */
    public Builder addCrlFile(Path file) {
      crlFiles.add(Objects.requireNonNull(file, "file == null"));
      return this;
    }

    /** Whether a CRL past its nextUpdate may still be used. If unset: false (refused, and its clients too). */
    public Builder allowStaleCrl(boolean allow) {
      this.allowStaleCrl = allow;
      return this;
    }

    /** Fixed role rules. */
    public Builder roleRules(RoleRules rules) {
      Objects.requireNonNull(rules, "rules == null");
      this.roleRules = Source.fixed("role rules", rules);
      return this;
    }

    /** A role rules file, reloaded when it changes. */
    public Builder roleRulesFile(Path file) {
      this.roleRules = new Source<>("role rules", List.of(file), () -> RoleRules.load(file));
      return this;
    }

    /** Which roles each route needs. If unset: {@link #DEFAULT_ROUTES}. */
    public Builder routeRules(RouteRules rules) {
      this.routeRules = Objects.requireNonNull(rules, "rules == null");
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

    /** The management port; 0 picks a free one, -1 turns the listener off. If unset: 9090. */
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

    /** Close connections older than this after their next response. If unset: no limit. */
    public Builder maxConnectionLifetime(Duration lifetime) {
      this.maxConnectionLifetime = lifetime;
      return this;
    }

    /** If unset: {@link AccessLog.Format#TEXT}. */
    public Builder accessLogFormat(AccessLog.Format format) {
      this.accessLogFormat = Objects.requireNonNull(format, "format == null");
      return this;
    }

    /** How often material files are checked for changes; zero turns polling off. If unset: 10 seconds. */
    public Builder reloadInterval(Duration interval) {
      this.reloadInterval = Objects.requireNonNull(interval, "interval == null");
      return this;
    }

    /** The clock for certificate and CRL dates checked at load. If unset: the system clock. */
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
      if (trust == null) {
        throw new IllegalStateException("no trust anchors for client certificates; call trust(), trustPem() or"
            + " trustPkcs12()");
      }
      if (roleRules == null) {
        throw new IllegalStateException("no role rules; call roleRules() or roleRulesFile()");
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      if (managementPort < -1 || managementPort > 65535) {
        throw new IllegalArgumentException("management port out of range: " + managementPort);
      }
      if (maxConnectionLifetime != null && (maxConnectionLifetime.isNegative() || maxConnectionLifetime.isZero())) {
        throw new IllegalArgumentException("max connection lifetime must be positive: " + maxConnectionLifetime);
      }
      if (reloadInterval.isNegative()) {
        throw new IllegalArgumentException("reload interval must not be negative: " + reloadInterval);
      }
      TlsDefaults.protocols(protocols);
      return new MtlsServer(this);
    }
  }
}
