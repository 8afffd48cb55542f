package dev.mtls.client;

import dev.mtls.client.internal.diagnosis.Preflight;
import dev.mtls.client.internal.events.Listeners;
import dev.mtls.client.internal.pool.Connections;
import dev.mtls.client.internal.pool.PoolSettings;
import dev.mtls.client.internal.request.AsyncRequestExecutor;
import dev.mtls.client.internal.request.RequestExecutor;
import dev.mtls.client.internal.request.SimpleRequests;
import dev.mtls.client.internal.tls.ClientTls;
import dev.mtls.client.internal.tls.MaterialSources;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.reload.MaterialEvent;
import dev.mtls.pki.material.renewal.Renewal;
import dev.mtls.pki.material.trust.MissingCrlPolicy;
import dev.mtls.pki.material.trust.RevocationSource;
import dev.mtls.pki.material.trust.TlsPolicy;
import dev.mtls.pki.material.trust.Trust;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.protocol.HttpContext;
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
 * <p>It speaks HTTP/1.1 by default, through HttpClient's classic client: what costs least per request for callers
 * that send one at a time. {@link Builder#httpVersion} HTTP/2 offers h2 by ALPN (HTTP/1.1 when the server picks
 * it), and {@link #executeAsync} sends without waiting; then requests in flight to a server share one connection.
 */
public final class MtlsClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MtlsClient.class);

  private final ClientTls tls;
  private final Connections connections;
  private final Preflight preflight;
  private final RequestExecutor requests;
  private final AsyncRequestExecutor async;
  private final boolean http2;
  private final Renewal renewal;

  private MtlsClient(Builder builder, MaterialSources sources) {
    List<String> protocols = List.of(TlsPolicy.protocols(builder.protocols));
    Listeners told = new Listeners(builder.listeners);
    this.renewal = builder.material.renewal(builder.clock, this::trustNow, told::renewal, this::reload);
    this.tls = new ClientTls(sources, protocols, builder.clock, told::connected, told::materialChanged);
    PoolSettings pool = new PoolSettings(builder.connectTimeout, builder.handshakeTimeout, builder.responseTimeout,
        builder.maxConnections, builder.userAgent);
    this.connections = new Connections(tls, pool, builder.clock);
    this.preflight = new Preflight(tls::current, builder.clock, builder.expiryWarning, builder.enforcePreflight,
        builder.askOwnStatus);
    this.requests = new RequestExecutor(connections.http(), tls::current, preflight, protocols, told, builder.clock);
    this.http2 = builder.httpVersion == HttpVersion.HTTP_2;
    this.async = new AsyncRequestExecutor(tls, pool, http2, requests, preflight, told, builder.clock);
    tls.start(builder.reloadInterval);
    if (renewal != null) {
      renewal.start();
    }
    PreflightCheck.Report report = preflight.report();
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
    return execute(SimpleRequests.of(method, uri, body, contentType));
  }

  /**
   * Executes {@code request}, reads the whole response, and releases the connection to the pool. Every
   * failure becomes an {@link MtlsException} carrying a {@link Diagnosis}.
   */
  public MtlsResponse execute(ClassicHttpRequest request) throws MtlsException {
    return http2 ? AsyncRequestExecutor.await(async.execute(request)) : requests.execute(request);
  }

  /** Like {@link #send}, without waiting for the response (see {@link #executeAsync}). */
  public CompletableFuture<MtlsResponse> sendAsync(String method, URI uri, byte[] body, String contentType) {
    return executeAsync(SimpleRequests.of(method, uri, body, contentType));
  }

  /**
   * Sends {@code request} without waiting: the future completes with the whole response, or fails with an
   * {@link MtlsException}. Through HttpClient's async client, with a pool of its own made at the first call: over
   * HTTP/2 ({@link Builder#httpVersion}) requests in flight to one server share one connection; over HTTP/1.1 each
   * has its own (at most {@link Builder#maxConnections}). Futures complete, and listeners are told, on the client's
   * own threads; each request is bounded by the connect, handshake and response timeouts together.
   */
  public CompletableFuture<MtlsResponse> executeAsync(ClassicHttpRequest request) {
    return async.execute(request);
  }

  /**
   * Checks our identity, trust and CRL files now instead of at the next poll; returns what happened (nothing when
   * nothing changed). An applied change takes effect for new connections at once.
   */
  public List<MaterialEvent> reload() {
    return tls.reload();
  }

  /** The certificate we present on new connections; empty without an identity or with a caller's SSLContext. */
  public Optional<X509Certificate> certificate() {
    Identity identity = tls.current().identity();
    return identity == null ? Optional.empty() : Optional.of(identity.certificate());
  }

  /**
   * Explains a failure of a request made directly through {@link #httpClient()}; pass the request's context
   * (or null) so the explainer can see the handshake the request made.
   */
  public Diagnosis explain(Throwable failure, URI target, HttpContext context) {
    int port = target.getPort() < 0 ? 443 : target.getPort();
    return requests.explain(failure, target.getHost(), port, context);
  }

  /** The underlying HttpClient5 client, for those who want its API; it shares this client's pool. */
  public CloseableHttpClient httpClient() {
    return connections.http();
  }

  /**
   * The pre-flight report on our own certificate chain: the trust core's verdict with our trust (anchors and CRLs),
   * as a server with the same would judge it, or, once it has come, our CA's answer that it revoked our certificate
   * ({@link Builder#askOwnStatus}). Null without an identity.
   */
  public PreflightCheck.Report preflight() {
    return preflight.report();
  }

  /** TLS handshakes this client completed (full or resumed); one per new connection. */
  public int handshakes() {
    return tls.handshakes();
  }

  /** Full handshakes: those in which the server presented its certificate (not session resumptions). */
  public int fullHandshakes() {
    return tls.fullHandshakes();
  }

  private Trust trustNow() {
    return tls.current().trust();
  }

  @Override
  public void close() {
    if (renewal != null) {
      renewal.close();
    }
    tls.close();
    connections.close();
    async.close();
    preflight.close();
  }

  /** Configures an {@link MtlsClient}; every setting has a default except what is ours to give. */
  public static final class Builder {
    final MaterialSources.Builder material = new MaterialSources.Builder();
    Duration reloadInterval = Duration.ofSeconds(10);
    final List<ClientListener> listeners = new ArrayList<>();
    Duration connectTimeout = Duration.ofSeconds(5);
    Duration handshakeTimeout = Duration.ofSeconds(10);
    Duration responseTimeout = Duration.ofSeconds(30);
    List<String> protocols = TlsPolicy.PROTOCOLS;
    int maxConnections = 20;
    Duration expiryWarning = Duration.ofDays(14);
    boolean enforcePreflight = true;
    boolean askOwnStatus = true;
    Clock clock = Clock.systemUTC();
    String userAgent = "mtls-client";
    HttpVersion httpVersion = HttpVersion.HTTP_1_1;

    private Builder() {}

    /**
     * Who we are, fixed. If no identity is set, no client certificate is sent (useful only to see a server refuse
     * that).
     */
    public Builder identity(Identity identity) {
      material.identity(identity);
      return this;
    }

    /**
     * Who we are: a PEM chain (leaf first) and key ({@code password} null when the key is not encrypted), reloaded
     * when the files change. A replacement goes into service only when its key matches and the certificate is
     * valid now; new connections present it, pooled ones drain.
     */
    public Builder identityPem(Path chain, Path key, char[] password) {
      material.identityPem(chain, key, password);
      return this;
    }

    /**
     * Renews our certificate by ourselves from the EST server at {@code est} ({@code https://HOST:PORT}, see
     * {@link Renewal}): at two thirds of its lifetime (up to a twentieth earlier), with a new key each time, over
     * mTLS with the current certificate, trusting the EST server as we trust servers. The new key and chain
     * replace the {@link #identityPem} files and are reloaded: new connections present them. While the CA is down
     * or refuses, the current certificate is used and the attempt retried with back-off; each attempt is told to
     * {@link ClientListener#renewal}. Needs {@link #identityPem}. If unset: no renewal.
     */
    public Builder renewFrom(URI est) {
      material.renewFrom(est);
      return this;
    }

    /** Like {@link #identityPem}, from a PKCS#12 key entry ({@code alias} null: the only one). */
    public Builder identityPkcs12(Path file, char[] password, String alias) {
      material.identityPkcs12(file, password, alias);
      return this;
    }

    /**
     * Whom we trust to identify servers, fixed. There is no default: {@code trust(Trust.system())} trusts the JDK's
     * public CAs, deliberately.
     */
    public Builder trust(TrustAnchors anchors) {
      material.anchors(anchors);
      return this;
    }

    /**
     * Whom we trust, with CRLs, fixed: servers are judged by it, and so is our own certificate before we connect
     * (as a server with the same anchors and CRLs would judge it).
     */
    public Builder trust(Trust trust) {
      material.trust(trust);
      return this;
    }

    /** Whom we trust: a PEM bundle of CA certificates, reloaded when it changes. */
    public Builder trustPem(Path bundle) {
      material.anchorsPem(bundle);
      return this;
    }

    /** Whom we trust: the trusted-certificate entries of a PKCS#12 truststore, reloaded when it changes. */
    public Builder trustPkcs12(Path file, char[] password) {
      material.anchorsPkcs12(file, password);
      return this;
    }

    /** A PEM file of CRLs for the servers' CAs (and our own), reloaded when it changes. Needs trust anchors. */
    public Builder addCrlFile(Path file) {
      material.addCrlFile(file);
      return this;
    }

    /** What to do when CRLs are configured but a CA in a server's path has none. If unset: refuse. */
    public Builder missingCrl(MissingCrlPolicy policy) {
      material.missingCrl(policy);
      return this;
    }

    /**
     * Where to ask about a server certificate no CRL file decides and the server stapled no response for: OCSP
     * responders and CRL distribution points, e.g. {@code OnlineRevocation.builder().ocspFromCertificates().build()}.
     * Needs trust anchors.
     */
    public Builder revocationSource(RevocationSource source) {
      material.revocationSource(source);
      return this;
    }

    /**
     * Refuse a server that does not staple an OCSP response for its certificate (as a must-staple certificate
     * asks). A stapled response is checked whether or not this is set. Needs trust anchors.
     */
    public Builder requireStapledOcsp(boolean required) {
      material.requireStapledOcsp(required);
      return this;
    }

    /**
     * Our own SSLContext instead of identity and trust: for a key in an HSM or a platform key store. Protocols,
     * cipher suites and the host-name check still follow the policy; the pre-flight check and our material's
     * reload do not apply (the context is ours to rotate), and failures are explained with less detail.
     */
    public Builder sslContext(SSLContext context) {
      material.sslContext(context);
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
     * Whether a blocking pre-flight finding (our certificate expired, not yet valid, revoked, or without clientAuth)
     * fails each request before connecting. If unset, true; false sends the certificate anyway, to see what
     * a server makes of it.
     */
    public Builder enforcePreflight(boolean enforcePreflight) {
      this.enforcePreflight = enforcePreflight;
      return this;
    }

    /**
     * Whether the pre-flight asks our own CA, at the OCSP responder and CRL distribution points our certificate
     * names, whether it revoked our certificate: in the background, within the revocation timeout, answers kept until
     * their nextUpdate. A server's refusal says only certificate_unknown; this names the revocation, and a revoked
     * certificate then fails requests before connecting (as {@link #enforcePreflight} says). If unset, true.
     */
    public Builder askOwnStatus(boolean askOwnStatus) {
      this.askOwnStatus = askOwnStatus;
      return this;
    }

    /** The clock for trust decisions: the server's certificate and our own. If unset, the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * The HTTP version to speak, as {@link HttpVersion} describes each. If unset, HTTP/1.1. With HTTP/2, blocking
     * calls go through the async client too (requests from many threads share a connection); {@link
     * MtlsClient#httpClient()} stays HTTP/1.1.
     */
    public Builder httpVersion(HttpVersion version) {
      this.httpVersion = Objects.requireNonNull(version, "version == null");
      return this;
    }

    /** The User-Agent header. If unset, {@code mtls-client}. */
    public Builder userAgent(String userAgent) {
      this.userAgent = Objects.requireNonNull(userAgent, "userAgent == null");
      return this;
    }

    public MtlsClient build() {
      return new MtlsClient(this, material.build(clock));
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
