package dev.mtls.client;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.PeerTrustManager;
import dev.mtls.pki.material.trust.TlsPolicy;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.pki.material.trust.Verdict;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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

  private final Identity identity;
  private final Trust trust;
  private final List<String> protocols;
  private final Clock clock;
  private final Duration expiryWarning;
  private final boolean enforcePreflight;
  private final HandshakeRecorder recorder;
  private final TlsSocketAdapter tls;
  private final PoolingHttpClientConnectionManager pool;
  private final CloseableHttpClient http;
  private volatile PreflightCheck.Report preflight;
  private volatile Instant preflightUntil;

  private MtlsClient(Builder builder) {
    this.identity = builder.identity;
    this.trust = builder.trust != null ? builder.trust : Trust.system();
    this.protocols = List.of(TlsPolicy.protocols(builder.protocols));
    this.clock = builder.clock;
    this.expiryWarning = builder.expiryWarning;
    this.enforcePreflight = builder.enforcePreflight;
    this.recorder = new HandshakeRecorder();

    Trust servers = trust;
    SSLContext context = TlsPolicy.context(
        recorder.keyManager(identity == null ? null : identity.keyManager()),
        PeerTrustManager.forServers(() -> servers, clock, HttpClientHostnames.CHECK)
            .observedBy(recorder::serverVerdict));
    this.tls = new TlsSocketAdapter(context, protocols, TlsPolicy.cipherSuites(context), recorder);
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
    this.http = HttpClients.custom()
        .setConnectionManager(pool)
        // One identity per client: connection state would only keep pooled connections from being reused.
        .disableConnectionState()
        .setRetryStrategy(new RetryPolicy())
        .disableRedirectHandling()
        .setUserAgent(builder.userAgent)
        .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(timeout(builder.responseTimeout)).build())
        .build();
    if (identity != null) {
      for (String warning : preflight().warnings()) {
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
    if (identity != null && enforcePreflight) {
      PreflightCheck.Report ours = preflight();
      if (ours.blocking()) {
        throw new MtlsException(preflightDiagnosis(ours.verdict()), null);
      }
    }
    HttpClientContext context = HttpClientContext.create();
    try {
      return http.execute(request, context, response -> read(response, context));
    } catch (IOException e) {
      throw new MtlsException(explain(e, authority.getHostName(), port(authority), context), e);
    }
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
    if (identity == null) {
      return null;
    }
    Instant now = clock.instant();
    PreflightCheck.Report report = preflight;
    if (report == null || now.isAfter(preflightUntil)) {
      report = PreflightCheck.check(identity.chain(), trust, now, expiryWarning);
      preflight = report;
      preflightUntil = now.plus(PREFLIGHT_INTERVAL);
    }
    return report;
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
    http.close(CloseMode.GRACEFUL);
  }

  private Diagnosis explain(Throwable failure, String host, int port, HttpContext context) {
    Handshake handshake = context == null ? null : (Handshake) context.getAttribute(TlsSocketAdapter.HANDSHAKE);
    return FailureExplainer.explain(failure, new FailureExplainer.Situation(host, port, handshake,
        identity == null ? List.of() : identity.chain(), trust.anchors().certificates(), protocols, preflight(),
        clock.instant()));
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
    private Identity identity;
    private Trust trust;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private Duration responseTimeout = Duration.ofSeconds(30);
    private List<String> protocols = TlsPolicy.PROTOCOLS;
    private int maxConnections = 20;
    private Duration expiryWarning = Duration.ofDays(14);
    private boolean enforcePreflight = true;
    private Clock clock = Clock.systemUTC();
    private String userAgent = "mtls-client";

    private Builder() {}

    /** Who we are. If unset, no client certificate is sent (useful only to see a server refuse that). */
    public Builder identity(Identity identity) {
      this.identity = Objects.requireNonNull(identity, "identity == null");
      return this;
    }

    /** Whom we trust to identify servers. If unset, the JDK's own trust store ({@link Trust#system()}). */
    public Builder trust(TrustAnchors trust) {
      this.trust = Trust.of(Objects.requireNonNull(trust, "trust == null"));
      return this;
    }

    /**
     * Whom we trust, with CRLs: servers are judged by it, and so is our own certificate before we connect (as a server
     * with the same anchors and CRLs would judge it).
     */
    public Builder trust(Trust trust) {
      this.trust = Objects.requireNonNull(trust, "trust == null");
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
