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
import dev.mtls.pki.material.trust.TlsPolicy;
import dev.mtls.pki.material.trust.Trust;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
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
 * that send one at a time. {@link MtlsClientBuilder#httpVersion} HTTP/2 offers h2 by ALPN (HTTP/1.1 when the server picks
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

  MtlsClient(MtlsClientBuilder builder, MaterialSources sources) {
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

  public static MtlsClientBuilder builder() {
    return new MtlsClientBuilder();
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
   * HTTP/2 ({@link MtlsClientBuilder#httpVersion}) requests in flight to one server share one connection; over HTTP/1.1 each
   * has its own (at most {@link MtlsClientBuilder#maxConnections}). Futures complete, and listeners are told, on the client's
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
   * ({@link MtlsClientBuilder#askOwnStatus}). Null without an identity.
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
}
