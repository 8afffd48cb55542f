package dev.mtls.server;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.reload.ReloadableIdentity;
import dev.mtls.pki.material.reload.ReloadableTrust;
import dev.mtls.pki.material.renewal.Renewal;
import dev.mtls.pki.material.trust.MissingCrlPolicy;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.RevocationSource;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.util.HttpString;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Configures an {@link MtlsServer}. Identity, trust and role rules are required; every other setting has the
 * default its declaration in {@link ServerSettings} gives, and is checked as that declaration says.
 */
public final class MtlsServerBuilder {
  // Package-private: the server reads them once while it is built, and keeps none of the builder.
  Function<Clock, ReloadableIdentity> identity;
  /** The identity's PEM files, which renewal replaces; null unless given by {@link #identityPem}. */
  Path identityChain;
  Path identityKey;
  char[] identityPassword;
  URI renewFrom;
  final ReloadableTrust.Builder trust = ReloadableTrust.builder();
  Duration staplingTimeout;
  Balancers balancers;
  ProxyKeys trustedProxies;
  List<X509Certificate> forwardedIntermediates = List.of();
  RoleRules roleRules;
  Path roleRulesFile;
  final List<Route> routes = new ArrayList<>();
  RouteRules routeRules;
  Path routeRulesFile;
  final List<ServerListener> listeners = new ArrayList<>();
  Duration rejectionLogInterval = Duration.ofSeconds(10);
  PrometheusMeterRegistry meterRegistry;
  String host = ServerSettings.HOST.defaultValue();
  int port = ServerSettings.PORT.defaultValue();
  String managementHost = ServerSettings.MANAGEMENT_HOST.defaultValue();
  int managementPort = ServerSettings.MANAGEMENT_PORT.defaultValue();
  ClientAuthMode clientAuth = ServerSettings.CLIENT_AUTH.defaultValue();
  List<String> protocols = ServerSettings.PROTOCOLS.defaultValue();
  boolean http2 = ServerSettings.HTTP2.defaultValue();
  TlsEngine tlsEngine = ServerSettings.TLS_ENGINE.defaultValue();
  Duration maxConnectionLifetime = ServerSettings.MAX_CONNECTION_LIFETIME.defaultValue();
  int tlsSessionCache = ServerSettings.TLS_SESSION_CACHE.defaultValue();
  Limits limits = Limits.DEFAULTS;
  AccessLogFormat accessLogFormat = ServerSettings.ACCESS_LOG_FORMAT.defaultValue();
  Duration reloadInterval = ServerSettings.RELOAD_INTERVAL.defaultValue();
  Clock clock = Clock.systemUTC();

  MtlsServerBuilder() {}

  /** A fixed identity (never reloaded). */
  public MtlsServerBuilder identity(Identity identity) {
    Objects.requireNonNull(identity, "identity == null");
    this.identity = clock -> ReloadableIdentity.fixed(identity, Purpose.SERVER, clock);
    this.identityChain = null;
    return this;
  }

  /**
   * A PEM chain (leaf first, then intermediates) and key, reloaded when they change; {@code password} is null for
   * an unencrypted key. cert-manager's {@code tls.crt} and {@code tls.key} work as they are.
   */
  public MtlsServerBuilder identityPem(Path chain, Path key, char[] password) {
    char[] copy = password == null ? null : password.clone();
    this.identity = clock -> ReloadableIdentity.pem(chain, key, copy, Purpose.SERVER, clock);
    this.identityChain = chain;
    this.identityKey = key;
    this.identityPassword = copy;
    return this;
  }

  /** A PKCS#12 key entry ({@code alias} null: the only one), reloaded when the file changes. */
  public MtlsServerBuilder identityPkcs12(Path file, char[] password, String alias) {
    char[] copy = password == null ? null : password.clone();
    this.identity = clock -> ReloadableIdentity.pkcs12(file, copy, alias, Purpose.SERVER, clock);
    this.identityChain = null;
    return this;
  }

  /**
   * Renews the server certificate by itself from the EST server at {@code est} ({@code https://HOST:PORT}, see
   * {@link Renewal}): at two thirds of its lifetime (up to a twentieth earlier, at random), with a new key each
   * time, over mTLS with the current certificate; the EST server must be trusted by this server's trust anchors and
   * named by the URL's host. The new key and chain replace the {@link #identityPem} files and go into service by a
   * reload: new connections present them, open ones keep theirs. While the CA is down or refuses, the current
   * certificate serves and the attempt is retried with back-off (1 s doubling, at most 5 minutes or a twelfth of the
   * lifetime). Each attempt is told to {@link ServerListener#renewal} and counted in
   * {@code mtls_certificate_renewals_total}. Needs the identity as PEM files ({@link #identityPem}): an identity in
   * memory or PKCS#12 is refused by {@link #build()}. If unset: no renewal (by hand, or by a tool that rewrites the
   * files).
   */
  public MtlsServerBuilder renewFrom(URI est) {
    this.renewFrom = Renewal.check(est);
    return this;
  }

  /** Fixed trust anchors for client certificates (never reloaded). */
  public MtlsServerBuilder trust(TrustAnchors anchors) {
    trust.anchors(anchors);
    return this;
  }

  /** A PEM bundle of CA certificates (cert-manager's {@code ca.crt}), reloaded when it changes. */
  public MtlsServerBuilder trustPem(Path bundle) {
    trust.anchorsPem(bundle);
    return this;
  }

  /** The trusted-certificate entries of a PKCS#12 truststore, reloaded when it changes. */
  public MtlsServerBuilder trustPkcs12(Path file, char[] password) {
    trust.anchorsPkcs12(file, password);
    return this;
  }

  /**
   * A PEM file of CRLs (e.g. {@code pki crl}'s crl.pem, which holds the issuing CA's and the root's), reloaded when
   * it changes. Once any CRL or revocation source is configured, every CA in a client's path needs an answer: see
   * {@link #missingCrl}. If unset: revocation is not checked.
   */
  public MtlsServerBuilder addCrlFile(Path file) {
    trust.addCrlFile(file);
    return this;
  }

  /** CRLs given in memory (never reloaded). */
  public MtlsServerBuilder crls(List<X509CRL> crls) {
    trust.crls("configured CRLs", crls);
    return this;
  }

  /**
   * Where to ask about a client certificate no CRL file decides: OCSP responders and CRL distribution points,
   * e.g. {@code OnlineRevocation.builder().ocspFromCertificates().crlsFromCertificates().build()}. Answers are
   * cached within their validity (and its max age), so a client revoked while connected is refused once its
   * verdict runs out. If unset: only CRL files count.
   */
  public MtlsServerBuilder revocationSource(RevocationSource source) {
    trust.revocationSource(source);
    return this;
  }

  /** See {@link ServerSettings#MISSING_CRL}. */
  public MtlsServerBuilder missingCrl(MissingCrlPolicy policy) {
    trust.missingCrl(ServerSettings.MISSING_CRL.check(policy));
    return this;
  }

  /**
   * Staple an OCSP response for our own certificate to each handshake ({@link ServerSettings#OCSP_STAPLING}),
   * waiting at most {@code timeout} for the responder our certificate names. If unset: no stapling.
   */
  public MtlsServerBuilder ocspStapling(Duration timeout) {
    this.staplingTimeout = timeout;
    return this;
  }

  /** Serve behind L4 load balancers: see {@link ServerSettings#PROXY_PROTOCOL_FROM}. If unset: none. */
  public MtlsServerBuilder proxyProtocolFrom(Balancers balancers) {
    this.balancers = Objects.requireNonNull(balancers, "balancers == null");
    return this;
  }

  /**
   * The trusted TLS-terminating proxies, by their public keys ({@link ServerSettings#TRUSTED_PROXY_KEYS}): a client
   * whose verified certificate has one of these keys may forward a client certificate, which is judged by the same
   * trust core and serves as the {@link Caller}, naming the proxy. A proxy is never recognised by its name or roles:
   * see {@link ProxyKeys}. If unset: no proxy is trusted, and a forwarded certificate is refused with 400.
   */
  public MtlsServerBuilder trustedProxyKeys(ProxyKeys keys) {
    this.trustedProxies = Objects.requireNonNull(keys, "keys == null");
    return this;
  }

  /** See {@link ServerSettings#TRUSTED_PROXY_INTERMEDIATES}. If unset: none. */
  public MtlsServerBuilder forwardedIntermediates(List<X509Certificate> certificates) {
    this.forwardedIntermediates = List.copyOf(certificates);
    return this;
  }

  /** Fixed role rules. */
  public MtlsServerBuilder roleRules(RoleRules rules) {
    this.roleRules = Objects.requireNonNull(rules, "rules == null");
    this.roleRulesFile = null;
    return this;
  }

  /** A role rules file, reloaded when it changes. */
  public MtlsServerBuilder roleRulesFile(Path file) {
    this.roleRulesFile = Objects.requireNonNull(file, "file == null");
    this.roleRules = null;
    return this;
  }

  /**
   * A route of the service: requests for {@code method} on a path {@code pattern} matches (literal segments,
   * {@code {name}}, a final {@code **}) from a caller holding one of {@code roles} go to {@code handler}, behind the
   * security chain. Paths without a route are 404: access is denied by default.
   */
  public MtlsServerBuilder route(HttpString method, String pattern, Roles roles, HttpHandler handler) {
    routes.add(new Route(method, PathPattern.of(pattern), roles, handler));
    return this;
  }

  /** Like {@link #route(HttpString, String, Roles, HttpHandler)}, with its own request body limit (413 beyond). */
  public MtlsServerBuilder route(HttpString method, String pattern, Roles roles, long maxRequestBodyBytes,
      HttpHandler handler) {
    ServerSettings.MAX_REQUEST_BODY.check(maxRequestBodyBytes);
    return route(method, pattern, roles, exchange -> {
      exchange.setMaxEntitySize(maxRequestBodyBytes);
      handler.handleRequest(exchange);
    });
  }

  /**
   * Roles per route from rules (METHOD PATTERN ROLES per line) instead of those given in code: every rule must name
   * a registered route, and a registered route the rules do not list is not served.
   */
  public MtlsServerBuilder routeRules(RouteRules rules) {
    this.routeRules = Objects.requireNonNull(rules, "rules == null");
    this.routeRulesFile = null;
    return this;
  }

  /** Like {@link #routeRules(RouteRules)}, from a file that is reloaded when it changes. */
  public MtlsServerBuilder routeRulesFile(Path file) {
    this.routeRulesFile = Objects.requireNonNull(file, "file == null");
    this.routeRules = null;
    return this;
  }

  /** Where the metrics go (the service's own registry, say). If unset: a registry of the server's own. */
  public MtlsServerBuilder meterRegistry(PrometheusMeterRegistry registry) {
    this.meterRegistry = Objects.requireNonNull(registry, "registry == null");
    return this;
  }

  /**
   * The refusal log's interval: in each, at most ten refusals are logged whole (the first of each reason and
   * issuer), and the others are summed up in one line when it ends. If unset: 10 seconds.
   */
  public MtlsServerBuilder rejectionLogInterval(Duration interval) {
    Objects.requireNonNull(interval, "interval == null");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("rejection log interval must be positive: " + interval);
    }
    this.rejectionLogInterval = interval;
    return this;
  }

  /** Also tell {@code listener} what the server does (refusals, requests, reloads); logging always listens. */
  public MtlsServerBuilder listener(ServerListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener == null"));
    return this;
  }

  /** See {@link ServerSettings#HOST}. */
  public MtlsServerBuilder host(String host) {
    this.host = ServerSettings.HOST.check(host);
    return this;
  }

  /** See {@link ServerSettings#PORT}; {@link MtlsServer#port()} tells the port bound. */
  public MtlsServerBuilder port(int port) {
    this.port = ServerSettings.PORT.check(port);
    return this;
  }

  /** See {@link ServerSettings#MANAGEMENT_HOST}. */
  public MtlsServerBuilder managementHost(String host) {
    this.managementHost = ServerSettings.MANAGEMENT_HOST.check(host);
    return this;
  }

  /** See {@link ServerSettings#MANAGEMENT_PORT}. */
  public MtlsServerBuilder managementPort(int port) {
    this.managementPort = ServerSettings.MANAGEMENT_PORT.check(port);
    return this;
  }

  /** See {@link ServerSettings#CLIENT_AUTH}. */
  public MtlsServerBuilder clientAuth(ClientAuthMode mode) {
    this.clientAuth = ServerSettings.CLIENT_AUTH.check(mode);
    return this;
  }

  /** See {@link ServerSettings#PROTOCOLS}. */
  public MtlsServerBuilder protocols(List<String> protocols) {
    this.protocols = ServerSettings.PROTOCOLS.check(List.copyOf(protocols));
    return this;
  }

  /**
   * Whether clients may speak HTTP/2, chosen by ALPN over TLS ({@link ServerSettings#HTTP2}); each stream is judged,
   * routed and reported like an HTTP/1.1 request. If unset: on.
   */
  public MtlsServerBuilder http2(boolean enabled) {
    this.http2 = ServerSettings.HTTP2.check(enabled);
    return this;
  }

  /** Which implementation speaks TLS ({@link TlsEngine}, {@link ServerSettings#TLS_ENGINE}). If unset: the JDK's. */
  public MtlsServerBuilder tlsEngine(TlsEngine engine) {
    this.tlsEngine = ServerSettings.TLS_ENGINE.check(engine);
    return this;
  }

  /** See {@link ServerSettings#TLS_SESSION_CACHE}. */
  public MtlsServerBuilder tlsSessionCache(int sessions) {
    this.tlsSessionCache = ServerSettings.TLS_SESSION_CACHE.check(sessions);
    return this;
  }

  /** See {@link ServerSettings#MAX_CONNECTION_LIFETIME}. */
  public MtlsServerBuilder maxConnectionLifetime(Duration lifetime) {
    this.maxConnectionLifetime = ServerSettings.MAX_CONNECTION_LIFETIME.check(lifetime);
    return this;
  }

  /** What one peer may cost: timeouts, connections, header and body sizes. If unset: {@link Limits#DEFAULTS}. */
  public MtlsServerBuilder limits(Limits limits) {
    this.limits = Objects.requireNonNull(limits, "limits == null");
    return this;
  }

  /** See {@link ServerSettings#ACCESS_LOG_FORMAT}. */
  public MtlsServerBuilder accessLogFormat(AccessLogFormat format) {
    this.accessLogFormat = ServerSettings.ACCESS_LOG_FORMAT.check(format);
    return this;
  }

  /** See {@link ServerSettings#RELOAD_INTERVAL}. */
  public MtlsServerBuilder reloadInterval(Duration interval) {
    this.reloadInterval = ServerSettings.RELOAD_INTERVAL.check(interval);
    return this;
  }

  /** The clock of every trust decision and of the server's own certificate. If unset: the system clock. */
  public MtlsServerBuilder clock(Clock clock) {
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
    if (renewFrom != null && identityChain == null) {
      throw new IllegalStateException("renewFrom needs the identity as PEM files (identityPem): renewal writes the"
          + " new key and certificate over them, which it cannot do for an identity in memory or in PKCS#12");
    }
    if (!trust.hasAnchors()) {
      throw new IllegalStateException("no trust anchors for client certificates; call trust(), trustPem() or"
          + " trustPkcs12()");
    }
    if (roleRules == null && roleRulesFile == null) {
      throw new IllegalStateException("no role rules; call roleRules() or roleRulesFile()");
    }
    if (tlsEngine == TlsEngine.CONSCRYPT && !protocols.equals(List.of("TLSv1.3"))) {
      throw new ConfigException("tls-engine conscrypt serves TLS 1.3 only: in TLS 1.2 BoringSSL accepts SHA-1"
          + " signatures from clients, which Conscrypt gives no way to refuse; set protocols to TLSv1.3, or use the"
          + " jdk engine");
    }
    if (tlsEngine == TlsEngine.CONSCRYPT && staplingTimeout != null) {
      throw new ConfigException("tls-engine conscrypt cannot staple OCSP responses (stapling is the JDK engine's);"
          + " turn ocsp-stapling off, or use the jdk engine");
    }
    return new MtlsServer(this);
  }
}
