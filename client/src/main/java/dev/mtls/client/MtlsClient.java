package dev.mtls.client;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.reload.MaterialEvent;
import dev.mtls.pki.material.reload.ReloadableIdentity;
import dev.mtls.pki.material.reload.ReloadableTrust;
import dev.mtls.pki.material.trust.MissingCrlPolicy;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.RevocationSource;
import dev.mtls.pki.material.trust.TlsPolicy;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.pki.material.trust.Verdict;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.net.URIAuthority;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTPS client that authenticates with a client certificate, reuses its connections, and explains its
 * failures. One instance per identity; share it between threads and close it when done.
 *
 * <pre>{@code
 * try (MtlsClient client = MtlsClient.builder()
 *     .identity(Identity.loadPem(Path.of("tls.crt"), Path.of("tls.key"), null))
 *     .trust(TrustAnchors.loadPem(Path.of("ca.crt")))
 *     .build()) {
 *   MtlsResponse response = client.get(URI.create("https://orders.internal:8443/orders"));
 * } catch (MtlsException e) {
 *   System.err.println(e.getDiagnosis().render());
 * }
 * }</pre>
 *
 * <p>Connections are pooled without HttpClient's per-user connection state: by default HttpClient tags a
 * TLS connection with our certificate's principal and then never hands it to a request that has no such
 * tag, so every request would make a new handshake. With one identity per client the tag carries nothing.
 */
public final class MtlsClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MtlsClient.class);
  private static final Duration PREFLIGHT_INTERVAL = Duration.ofMinutes(1);

  private final List<String> protocols;
  private final Clock clock;
  private final Duration expiryWarning;
  private final boolean enforcePreflight;
  private final List<ClientListener> listeners;
  private final HandshakeRecorder recorder;
  private final TlsSocketAdapter tls;
  private final ClientMaterial material;
  private final PoolingHttpClientConnectionManager pool;
  private final CloseableHttpClient http;
  private volatile Preflight preflight;

  /** The pre-flight report of one material generation, until it is due again. */
  private record Preflight(long generation, PreflightCheck.Report report, Instant until) {}

  private MtlsClient(Builder builder) {
    this.protocols = List.of(TlsPolicy.protocols(builder.protocols));
    this.clock = builder.clock;
    this.expiryWarning = builder.expiryWarning;
    this.enforcePreflight = builder.enforcePreflight;
    List<ClientListener> all = new ArrayList<>();
    all.add(new ClientLog());
    all.addAll(builder.listeners);
    this.listeners = List.copyOf(all);
    this.recorder = new HandshakeRecorder();
    this.tls = new TlsSocketAdapter(protocols, recorder, clock, handshake -> tell(l -> l.connected(handshake)));
    this.material = new ClientMaterial(builder, recorder, event -> tell(l -> l.materialChanged(event)));
    tls.use(material.current().context(), material.current().number(), material.current().trust());
    this.pool = PoolingHttpClientConnectionManagerBuilder.create()
        .setTlsSocketStrategy(tls)
        .setDefaultTlsConfig(TlsConfig.custom().setHandshakeTimeout(timeout(builder.handshakeTimeout)).build())
        .setDefaultConnectionConfig(ConnectionConfig.custom()
            .setConnectTimeout(timeout(builder.connectTimeout))
            .setSocketTimeout(timeout(builder.responseTimeout))
            .build())
        .setMaxConnPerRoute(builder.maxConnections)
        .setMaxConnTotal(builder.maxConnections)
        .build();
    DrainingReuseStrategy reuse = new DrainingReuseStrategy(() -> material.current().number(), clock);
    this.http = HttpClients.custom()
        .setConnectionManager(pool)
        // One identity per client: connection state would only keep pooled connections from being reused.
        .disableConnectionState()
        // An API client whose identity is its certificate: no cookie state carried from one response to the next
        // request, and no transparent decompression (no decompression bombs, no compression oracle on secrets
        // in responses). Both were also a tenth of a request's CPU.
        .disableCookieManagement()
        .disableContentCompression()
        .setConnectionReuseStrategy(reuse)
        .setKeepAliveStrategy(reuse)
        .setRetryStrategy(new RetryPolicy())
        .disableRedirectHandling()
        .setUserAgent(builder.userAgent)
        .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(timeout(builder.responseTimeout)).build())
        .build();
    material.onChange(generation -> {
      tls.use(generation.context(), generation.number(), generation.trust());
      // Idle connections of the old material close now; those in use close when they come back to the pool.
      pool.closeIdle(TimeValue.ZERO_MILLISECONDS);
    });
    material.start(builder.reloadInterval);
    PreflightCheck.Report report = preflight();
    if (report != null) {
      for (String warning : report.warnings()) {
        LOG.warn("{}", warning);
      }
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** GET {@code uri}. */
  public MtlsResponse get(URI uri) throws MtlsException {
    return send("GET", uri, null, null);
  }

  /** GET {@code uri}. */
  public MtlsResponse get(String uri) throws MtlsException {
    return get(URI.create(uri));
  }

  /** Sends {@code method} to {@code uri} with an optional body ({@code null} for none). */
  public MtlsResponse send(String method, URI uri, byte[] body, String contentType) throws MtlsException {
    BasicClassicHttpRequest request = new BasicClassicHttpRequest(method, uri);
    if (body != null) {
      request.setEntity(new ByteArrayEntity(body,
          contentType == null ? ContentType.APPLICATION_OCTET_STREAM : ContentType.parse(contentType)));
    }
    return execute(request);
  }

  /**
   * Executes {@code request}, reads the whole response, and releases the connection to the pool. Every
   * failure becomes an {@link MtlsException} carrying a {@link Diagnosis}.
   */
  public MtlsResponse execute(ClassicHttpRequest request) throws MtlsException {
    URIAuthority authority = request.getAuthority();
    if (!"https".equalsIgnoreCase(request.getScheme()) || authority == null) {
      throw new IllegalArgumentException("not an https URL: " + request.getRequestUri());
    }
    Instant start = clock.instant();
    PreflightCheck.Report ours = enforcePreflight ? preflight() : null;
    if (ours != null && ours.blocking()) {
      throw failed(request, new MtlsException(preflightDiagnosis(ours.verdict()), null), start);
    }
    HttpClientContext context = HttpClientContext.create();
    MtlsResponse response;
    try {
      response = http.execute(request, context, answer -> read(answer, context));
    } catch (IOException e) {
      throw failed(request,
          new MtlsException(explain(e, authority.getHostName(), port(authority), context), e), start);
    }
    CompletedRequest completed = new CompletedRequest(request.getMethod(), uri(request), response.status(),
        Duration.between(start, clock.instant()), response.tls().newConnection());
    tell(l -> l.completed(completed));
    return response;
  }

  /**
   * Checks our identity, trust and CRL files now instead of at the next poll; returns what happened (nothing when
   * nothing changed). An applied change takes effect for new connections at once.
   */
  public List<MaterialEvent> reload() {
    return material.reload();
  }

  /** The certificate we present on new connections; empty without an identity or with a caller's SSLContext. */
  public Optional<X509Certificate> certificate() {
    Identity identity = material.current().identity();
    return identity == null ? Optional.empty() : Optional.of(identity.certificate());
  }

  /**
   * Explains a failure of a request made directly through {@link #httpClient()}; pass the request's context
   * (or null) so the explainer can see the handshake the request made.
   */
  public Diagnosis explain(Throwable failure, URI target, HttpContext context) {
    int port = target.getPort() < 0 ? 443 : target.getPort();
    return explain(failure, target.getHost(), port, context);
  }

  /** The underlying HttpClient5 client, for those who want its API; it shares this client's pool. */
  public CloseableHttpClient httpClient() {
    return http;
  }

  /**
   * The pre-flight report on our own certificate chain: the trust core's verdict with our trust (anchors and CRLs),
   * as a server with the same would judge it. Null without an identity.
   */
  public PreflightCheck.Report preflight() {
    ClientMaterial.Generation generation = material.current();
    if (generation.identity() == null) {
      return null;
    }
    Instant now = clock.instant();
    Preflight cached = preflight;
    if (cached == null || cached.generation() != generation.number() || now.isAfter(cached.until())) {
      cached = new Preflight(generation.number(),
          PreflightCheck.check(generation.identity().chain(), generation.trust(), now, expiryWarning),
          now.plus(PREFLIGHT_INTERVAL));
      preflight = cached;
    }
    return cached.report();
  }

  /** TLS handshakes this client completed (full or resumed); one per new connection. */
  public int handshakes() {
    return tls.handshakes();
  }

  /** Full handshakes: those in which the server presented its certificate (not session resumptions). */
  public int fullHandshakes() {
    return recorder.fullHandshakes();
  }

  @Override
  public void close() {
    material.close();
    http.close(CloseMode.GRACEFUL);
  }

  private Diagnosis explain(Throwable failure, String host, int port, HttpContext context) {
    Handshake handshake = context == null ? null : (Handshake) context.getAttribute(TlsSocketAdapter.HANDSHAKE);
    ClientMaterial.Generation generation = material.current();
    return FailureExplainer.explain(failure, new FailureExplainer.Situation(host, port, handshake,
        generation.identity() == null ? List.of() : generation.identity().chain(),
        generation.trust() == null ? List.of() : generation.trust().anchors().certificates(), protocols, preflight(),
        clock.instant()));
  }

  private MtlsException failed(ClassicHttpRequest request, MtlsException failure, Instant start) {
    FailedRequest failed = new FailedRequest(request.getMethod(), uri(request), failure.getDiagnosis(),
        Duration.between(start, clock.instant()));
    tell(l -> l.failed(failed));
    return failure;
  }

  private void tell(Consumer<ClientListener> event) {
    for (ClientListener listener : listeners) {
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        LOG.warn("client listener {} failed", listener.getClass().getName(), e);
      }
    }
  }

  private static URI uri(ClassicHttpRequest request) {
    try {
      return request.getUri();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("not a URI: " + request.getRequestUri(), e);
    }
  }

  private static Diagnosis preflightDiagnosis(Verdict verdict) {
    Diagnosis.Kind kind = switch (verdict.reason()) {
      case EXPIRED -> Diagnosis.Kind.OWN_CERTIFICATE_EXPIRED;
      case NOT_YET_VALID -> Diagnosis.Kind.OWN_CERTIFICATE_NOT_YET_VALID;
      case WRONG_PURPOSE, KEY_USAGE -> Diagnosis.Kind.OWN_CERTIFICATE_NOT_FOR_CLIENTS;
      default -> Diagnosis.Kind.OWN_CERTIFICATE_REFUSED;
    };
    String sentence = "Our certificate would be refused: " + verdict.reason().words() + ": " + verdict.sentence()
        + ".";
    return new Diagnosis(kind, verdict.reason(), sentence, verdict.reason().hint(),
        "pre-flight check before connecting; nothing was sent");
  }

  private MtlsResponse read(ClassicHttpResponse response, HttpClientContext context) throws IOException {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (Header header : response.getHeaders()) {
      headers.add(Map.entry(header.getName(), header.getValue()));
    }
    HttpEntity entity = response.getEntity();
    byte[] body = entity == null ? new byte[0] : EntityUtils.toByteArray(entity);
    return new MtlsResponse(response.getCode(), headers, body, tlsInfo(context));
  }

  private static TlsInfo tlsInfo(HttpClientContext context) {
    Handshake fresh = (Handshake) context.getAttribute(TlsSocketAdapter.HANDSHAKE);
    SSLSession session = context.getSSLSession();
    Handshake handshake = fresh;
    if (handshake == null && session != null
        && session.getValue(TlsSocketAdapter.SESSION_HANDSHAKE) instanceof Handshake stored) {
      handshake = stored;
    }
    String protocol = session == null ? "unknown" : session.getProtocol();
    String cipher = session == null ? "unknown" : session.getCipherSuite();
    if (handshake == null) {
      return new TlsInfo(protocol, cipher, List.of(), false, false, List.of(), List.of(),
          session != null && session.getLocalCertificates() != null);
    }
    return new TlsInfo(protocol, cipher, handshake.serverChain, fresh != null, handshake.certificateRequested,
        handshake.acceptedIssuers, handshake.acceptedKeyTypes, handshake.certificateSent);
  }

  private static int port(URIAuthority authority) {
    return authority.getPort() < 0 ? 443 : authority.getPort();
  }

  private static Timeout timeout(Duration duration) {
    return Timeout.ofMilliseconds(duration.toMillis());
  }

  /** Configures an {@link MtlsClient}; every setting has a default except what is ours to give. */
  public static final class Builder {
    Identity identity;
    Function<Clock, ReloadableIdentity> identityFiles;
    Trust trust;
    final ReloadableTrust.Builder trustFiles = ReloadableTrust.builder();
    boolean crlFiles;
    boolean onlineRevocation;
    SSLContext sslContext;
    Duration reloadInterval = Duration.ofSeconds(10);
    final List<ClientListener> listeners = new ArrayList<>();
    Duration connectTimeout = Duration.ofSeconds(5);
    Duration handshakeTimeout = Duration.ofSeconds(10);
    Duration responseTimeout = Duration.ofSeconds(30);
    List<String> protocols = TlsPolicy.PROTOCOLS;
    int maxConnections = 20;
    Duration expiryWarning = Duration.ofDays(14);
    boolean enforcePreflight = true;
    Clock clock = Clock.systemUTC();
    String userAgent = "mtls-client";

    private Builder() {}

    /**
     * Who we are, fixed. If no identity is set, no client certificate is sent (useful only to see a server refuse
     * that).
     */
    public Builder identity(Identity identity) {
      this.identity = Objects.requireNonNull(identity, "identity == null");
      this.identityFiles = null;
      return this;
    }

    /**
     * Who we are: a PEM chain (leaf first) and key ({@code password} null when the key is not encrypted), reloaded
     * when the files change. A replacement goes into service only when its key matches and the certificate is
     * valid now; new connections present it, pooled ones drain.
     */
    public Builder identityPem(Path chain, Path key, char[] password) {
      Objects.requireNonNull(chain, "chain == null");
      Objects.requireNonNull(key, "key == null");
      char[] copy = password == null ? null : password.clone();
      this.identityFiles = clock -> ReloadableIdentity.pem(chain, key, copy, Purpose.CLIENT, clock);
      this.identity = null;
      return this;
    }

    /** Like {@link #identityPem}, from a PKCS#12 key entry ({@code alias} null: the only one). */
    public Builder identityPkcs12(Path file, char[] password, String alias) {
      Objects.requireNonNull(file, "file == null");
      char[] copy = password == null ? null : password.clone();
      this.identityFiles = clock -> ReloadableIdentity.pkcs12(file, copy, alias, Purpose.CLIENT, clock);
      this.identity = null;
      return this;
    }

    /**
     * Whom we trust to identify servers, fixed. There is no default: {@code trust(Trust.system())} trusts the JDK's
     * public CAs, deliberately.
     */
    public Builder trust(TrustAnchors anchors) {
      trustFiles.anchors(Objects.requireNonNull(anchors, "anchors == null"));
      return this;
    }

    /**
     * Whom we trust, with CRLs, fixed: servers are judged by it, and so is our own certificate before we connect
     * (as a server with the same anchors and CRLs would judge it).
     */
    public Builder trust(Trust trust) {
      this.trust = Objects.requireNonNull(trust, "trust == null");
      return this;
    }

    /** Whom we trust: a PEM bundle of CA certificates, reloaded when it changes. */
    public Builder trustPem(Path bundle) {
      trustFiles.anchorsPem(bundle);
      return this;
    }

    /** Whom we trust: the trusted-certificate entries of a PKCS#12 truststore, reloaded when it changes. */
    public Builder trustPkcs12(Path file, char[] password) {
      trustFiles.anchorsPkcs12(file, password);
      return this;
    }

    /** A PEM file of CRLs for the servers' CAs (and our own), reloaded when it changes. Needs trust anchors. */
    public Builder addCrlFile(Path file) {
      trustFiles.addCrlFile(file);
      crlFiles = true;
      return this;
    }

    /** What to do when CRLs are configured but a CA in a server's path has none. If unset: refuse. */
    public Builder missingCrl(MissingCrlPolicy policy) {
      trustFiles.missingCrl(policy);
      return this;
    }

    /**
     * Where to ask about a server certificate no CRL file decides and the server stapled no response for: OCSP
     * responders and CRL distribution points, e.g. {@code OnlineRevocation.builder().ocspFromCertificates().build()}.
     * Needs trust anchors.
     */
    public Builder revocationSource(RevocationSource source) {
      trustFiles.revocationSource(source);
      onlineRevocation = source != null;
      return this;
    }

    /**
     * Refuse a server that does not staple an OCSP response for its certificate (as a must-staple certificate
     * asks). A stapled response is checked whether or not this is set. Needs trust anchors.
     */
    public Builder requireStapledOcsp(boolean required) {
      trustFiles.requireStapledOcsp(required);
      onlineRevocation |= required;
      return this;
    }

    /**
     * Our own SSLContext instead of identity and trust: for a key in an HSM or a platform key store. Protocols,
     * cipher suites and the host-name check still follow the policy; the pre-flight check and our material's
     * reload do not apply (the context is ours to rotate), and failures are explained with less detail.
     */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "context == null");
      return this;
    }

    /** How often identity, trust and CRL files are checked for changes; zero turns polling off. If unset, 10 s. */
    public Builder reloadInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval == null");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("reload interval must not be negative: " + interval);
      }
      this.reloadInterval = interval;
      return this;
    }

    /** Also tell {@code listener} what the client does (handshakes, requests, reloads); logging always listens. */
    public Builder listener(ClientListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener == null"));
      return this;
    }

    /** Time to establish the TCP connection. If unset, 5 seconds. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** Time for the TLS handshake. If unset, 10 seconds. */
    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = positive(timeout, "handshakeTimeout");
      return this;
    }

    /** Longest wait for response data (between packets). If unset, 30 seconds. */
    public Builder responseTimeout(Duration timeout) {
      this.responseTimeout = positive(timeout, "responseTimeout");
      return this;
    }

    /** TLS versions to offer, within TLSv1.3 and TLSv1.2. If unset, both; give one to force it. */
    public Builder protocols(List<String> protocols) {
      TlsPolicy.protocols(protocols);
      this.protocols = List.copyOf(protocols);
      return this;
    }

    /** Most connections open at once (per server and in total). If unset, 20. */
    public Builder maxConnections(int maxConnections) {
      if (maxConnections < 1) {
        throw new IllegalArgumentException("maxConnections < 1: " + maxConnections);
      }
      this.maxConnections = maxConnections;
      return this;
    }

    /** Warn (in the log and the pre-flight report) when our certificate expires within this. If unset, 14 days. */
    public Builder expiryWarning(Duration expiryWarning) {
      this.expiryWarning = Objects.requireNonNull(expiryWarning, "expiryWarning == null");
      return this;
    }

    /**
     * Whether a blocking pre-flight finding (our certificate expired, not yet valid, or without clientAuth)
     * fails each request before connecting. If unset, true; false sends the certificate anyway, to see what
     * a server makes of it.
     */
    public Builder enforcePreflight(boolean enforcePreflight) {
      this.enforcePreflight = enforcePreflight;
      return this;
    }

    /** The clock for trust decisions: the server's certificate and our own. If unset, the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** The User-Agent header. If unset, {@code mtls-client}. */
    public Builder userAgent(String userAgent) {
      this.userAgent = Objects.requireNonNull(userAgent, "userAgent == null");
      return this;
    }

    public MtlsClient build() {
      boolean ownMaterial = identity != null || identityFiles != null || trust != null || trustFiles.hasAnchors()
          || crlFiles || onlineRevocation;
      if (sslContext != null && ownMaterial) {
        throw new IllegalStateException("an SSLContext carries its own identity and trust: set either sslContext or "
            + "identity and trust, not both");
      }
      if (trust != null && trustFiles.hasAnchors()) {
        throw new IllegalStateException("trust is set twice: give a Trust, or anchors (with CRL files), not both");
      }
      if ((crlFiles || onlineRevocation) && !trustFiles.hasAnchors()) {
        throw new IllegalStateException("CRL files and revocation sources need trust anchors: set"
            + " trust(TrustAnchors), trustPem or trustPkcs12 too (with trust(Trust), configure them on the Trust)");
      }
      if (sslContext == null && trust == null && !trustFiles.hasAnchors()) {
        throw new IllegalStateException("no trust for servers: set trust(TrustAnchors), trustPem(...) or"
            + " trustPkcs12(...), or trust(Trust.system()) to trust the JDK's public CAs");
      }
      return new MtlsClient(this);
    }

    private static Duration positive(Duration duration, String name) {
      Objects.requireNonNull(duration, name + " == null");
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + duration);
      }
      return duration;
    }
  }
}
