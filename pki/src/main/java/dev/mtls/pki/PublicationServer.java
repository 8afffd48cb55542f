package dev.mtls.pki;

import dev.mtls.pki.internal.est.EstHttpHandler;
import dev.mtls.pki.internal.est.PresentedCertificates;
import dev.mtls.pki.internal.http.CrlHttpHandler;
import dev.mtls.pki.internal.http.OcspHttpHandler;
import dev.mtls.pki.internal.http.PublicationListener;
import dev.mtls.pki.internal.http.Router;
import dev.mtls.pki.material.trust.TlsPolicy;
import io.undertow.server.HttpHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509KeyManager;

/**
 * One HTTP server for what a CA publishes about revocation, each at a path of its own: its OCSP responder
 * ({@code POST PATH}, {@code GET PATH/BASE64}, as RFC 6960 appendix A has it) and its CRLs
 * ({@code GET PATH/issuing.crl} and {@code GET PATH/root.crl}, DER). A path serves itself and what lies below it;
 * every other request gets 404.
 *
 * <p>Relying parties that refuse clients when they get no answer (hard-fail) stop working when this server stops
 * answering, and those that accept (soft-fail) accept revoked clients: so no peer may be able to hold it up. It runs
 * on Undertow's non-blocking I/O, where a slow connection costs a buffer, not a thread; a request's headers, and then
 * its body, must arrive within the {@linkplain Builder#requestTimeout request timeout}, a connection that is silent
 * longer than the {@linkplain Builder#idleTimeout idle timeout} is closed, at most
 * {@linkplain Builder#maxConnections a number of connections} are open at once, and
 * {@linkplain Builder#maxConnectionsPerAddress fewer} from any one address, and the OCSP and CRL work is done by a
 * few worker threads, never while a request is still arriving.
 *
 * <pre>
 *   PublicationServer server = PublicationServer.builder()
 *       .port(8081)
 *       .ocspResponder("/ocsp", responder)
 *       .crls("/crl", publisher)
 *       .start();
 * </pre>
 */
public final class PublicationServer implements AutoCloseable {
  /** Where {@code pki serve} answers OCSP requests, and where the demo set's certificates say to ask. */
  public static final String OCSP_PATH = "/ocsp";
  /** Where {@code pki serve} serves the CRLs ({@code /crl/issuing.crl}, {@code /crl/root.crl}). */
  public static final String CRL_PATH = "/crl";
  /** Where EST lives (RFC 7030 section 3.2.2): {@code /.well-known/est/cacerts}, {@code .../simpleenroll}, ... */
  public static final String EST_PATH = "/.well-known/est";

  /** How long a request's headers, and then its body, may take to arrive when none is given. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
  /** How long a connection may be silent (no request yet, or between requests, or stalled) when none is given. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(15);
  /** How many connections may be open at once when no number is given. */
  public static final int DEFAULT_MAX_CONNECTIONS = 1024;
  /** How many connections one address may have open at once when no number is given. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 64;

  private final PublicationListener listener;
  private final String host;
  private final String scheme;

  private PublicationServer(PublicationListener listener, String host, String scheme) {
    this.listener = listener;
    this.host = host;
    this.scheme = scheme;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The bound port. */
  public int port() {
    return listener.port();
  }

  /** The URL of {@code path} on this server, such as {@code http://127.0.0.1:8081/crl/issuing.crl}. */
  public URI uri(String path) {
    try {
      return new URI(scheme, null, host, port(), path, null, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL path: '" + path + "'", e);
    }
  }

  /**
   * Stops listening, closes every connection and waits for the server's threads to end, also when the calling thread
   * was interrupted (as a command stopped by Ctrl-C is); the interrupt is kept for the caller.
   */
  @Override
  public void close() {
    listener.close();
  }

  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
    private X509KeyManager tls;
    private int maxBodyBytes = OcspResponder.MAX_REQUEST_BYTES;
    private final Map<String, HttpHandler> mounts = new LinkedHashMap<>();

    private Builder() {}

    /** The address to listen on. If unset, 127.0.0.1: only this machine can ask. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host == null");
      return this;
    }

    /** The port to listen on. If unset, 0: any free port; {@link PublicationServer#port()} tells which. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * How long a request's line and headers may take to arrive from its first byte, and then its body: a peer
     * that sends slower is disconnected. At least one second. If unset, {@link #DEFAULT_REQUEST_TIMEOUT}.
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = atLeastASecond("request timeout", timeout);
      return this;
    }

    /**
     * How long a connection may be silent: open without a request, kept alive between requests, or with a request
     * or an answer that stopped moving. At least one second. If unset, {@link #DEFAULT_IDLE_TIMEOUT}.
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = atLeastASecond("idle timeout", timeout);
      return this;
    }

    /**
     * How many connections may be open at once; at the limit the server accepts no more until a tenth of them have
     * closed (timeouts close what peers leave open). If unset, {@link #DEFAULT_MAX_CONNECTIONS}.
     */
    public Builder maxConnections(int connections) {
      this.maxConnections = atLeastOne("max connections", connections);
      return this;
    }

    /**
     * How many connections one client address may have open at once; more are closed as they come, so that one
     * peer cannot take every connection. If unset, {@link #DEFAULT_MAX_CONNECTIONS_PER_ADDRESS}.
     */
    public Builder maxConnectionsPerAddress(int connections) {
      this.maxConnectionsPerAddress = atLeastOne("max connections per address", connections);
      return this;
    }

    /** Answers OCSP requests at {@code path} ({@code /} for every path) with {@code responder}. */
    public Builder ocspResponder(String path, OcspResponder responder) {
      return mount(path, new OcspHttpHandler(responder::respond, responder.validity(),
          OcspResponder.MAX_REQUEST_BYTES));
    }

    /**
     * Serves the CRLs of {@code publisher} as {@code path/issuing.crl} and {@code path/root.crl}; caches may keep
     * them until the publisher would sign their successors.
     */
    public Builder crls(String path, CrlPublisher publisher) {
      return mount(path, new CrlHttpHandler(path, Map.of(
          "/issuing.crl", () -> publisher.current().issuing(),
          "/root.crl", () -> publisher.current().root()), publisher::freshFor));
    }

    /**
     * Serves HTTPS (TLS 1.3 and 1.2, the project's cipher suites) with the certificate {@code serverKeys} chooses (a
     * {@code ReloadingKeyManager} renews it in place); client certificates are requested, not required, and not
     * judged in the handshake: the service that receives the request decides what a presented one is worth (EST
     * re-enrolment does, through the trust core). If unset: plain HTTP.
     */
    public Builder tls(X509KeyManager serverKeys) {
      this.tls = Objects.requireNonNull(serverKeys, "serverKeys == null");
      return this;
    }

    /**
     * Serves EST (RFC 7030) at {@code path} ({@link #EST_PATH} for clients that follow the RFC) with {@code est};
     * needs {@link #tls}: EST runs over HTTPS only.
     */
    public Builder est(String path, EstService est) {
      maxBodyBytes = Math.max(maxBodyBytes, EstHttpHandler.MAX_REQUEST_BYTES);
      return mount(path, new EstHttpHandler(path, est.operations()));
    }

    private Builder mount(String path, HttpHandler handler) {
      if (!path.startsWith("/") || (path.length() > 1 && path.endsWith("/"))) {
        throw new IllegalArgumentException("a mount path starts with '/' and does not end with one, got '" + path
            + "'");
      }
      if (mounts.containsKey(path)) {
        throw new IllegalArgumentException("two services at " + path);
      }
      mounts.put(path, handler);
      return this;
    }

    /** Binds and starts answering; a port in use is an {@link UncheckedIOException} naming the address. */
    public PublicationServer start() {
      if (mounts.isEmpty()) {
        throw new IllegalStateException("nothing to serve: add an OCSP responder, CRLs or EST");
      }
      if (tls == null && mounts.values().stream().anyMatch(EstHttpHandler.class::isInstance)) {
        throw new IllegalStateException("EST needs HTTPS: give the server a certificate with tls(...)");
      }
      PublicationListener.Limits limits = new PublicationListener.Limits(requestTimeout, idleTimeout, maxConnections,
          maxConnectionsPerAddress, maxBodyBytes);
      SSLContext context = tls == null ? null : TlsPolicy.context(tls, PresentedCertificates.INSTANCE);
      try {
        return new PublicationServer(PublicationListener.open(new InetSocketAddress(host, port), limits,
            new Router(mounts), context), host, tls == null ? "http" : "https");
      } catch (IOException e) {
        throw new UncheckedIOException(host + ":" + port + ": cannot listen: " + e.getMessage(), e);
      }
    }

    private static int atLeastOne(String what, int count) {
      if (count < 1) {
        throw new IllegalArgumentException(what + " must be at least 1, got " + count);
      }
      return count;
    }

    /** Under a second, a good peer on a slow link may not get a request through. */
    private static Duration atLeastASecond(String what, Duration timeout) {
      Objects.requireNonNull(timeout, what + " == null");
      if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(what + " must be at least 1 s (and under 24 days), got " + timeout);
      }
      return timeout;
    }
  }
}
