package dev.mtls.pki;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.mtls.pki.internal.http.CrlHttpHandler;
import dev.mtls.pki.internal.http.OcspHttpHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One HTTP server for what a CA publishes about revocation, each at a path of its own: its OCSP responder
 * ({@code POST PATH}, {@code GET PATH/BASE64}, as RFC 6960 appendix A has it) and its CRLs
 * ({@code GET PATH/issuing.crl} and {@code GET PATH/root.crl}, DER). A path serves itself and what lies below it;
 * every other request gets 404. The JDK's own HTTP server: the CA has no web stack to carry.
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

  private final HttpServer http;
  private final ExecutorService threads;
  private final String host;

  private PublicationServer(HttpServer http, ExecutorService threads, String host) {
    this.http = http;
    this.threads = threads;
    this.host = host;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The bound port. */
  public int port() {
    return http.getAddress().getPort();
  }

  /** The URL of {@code path} on this server, such as {@code http://127.0.0.1:8081/crl/issuing.crl}. */
  public URI uri(String path) {
    try {
      return new URI("http", null, host, port(), path, null, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL path: '" + path + "'", e);
    }
  }

  @Override
  public void close() {
    http.stop(0);
    threads.shutdownNow();
  }

  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private final List<Mount> mounts = new ArrayList<>();

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

    private Builder mount(String path, HttpHandler handler) {
      if (!path.startsWith("/") || (path.length() > 1 && path.endsWith("/"))) {
        throw new IllegalArgumentException("a mount path starts with '/' and does not end with one, got '" + path
            + "'");
      }
      if (mounts.stream().anyMatch(m -> m.path().equals(path))) {
        throw new IllegalArgumentException("two services at " + path);
      }
      mounts.add(new Mount(path, handler));
      return this;
    }

    /** Binds and starts answering; a port in use is an {@link UncheckedIOException} naming the address. */
    public PublicationServer start() {
      if (mounts.isEmpty()) {
        throw new IllegalStateException("nothing to serve: add an OCSP responder or CRLs");
      }
      List<Mount> longestFirst = new ArrayList<>(mounts);
      longestFirst.sort(Comparator.comparingInt((Mount m) -> m.path().length()).reversed());
      HttpServer http;
      try {
        http = HttpServer.create(new InetSocketAddress(host, port), 50);
      } catch (IOException e) {
        throw new UncheckedIOException(host + ":" + port + ": cannot listen: " + e.getMessage(), e);
      }
      ExecutorService threads = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "pki-publication");
        thread.setDaemon(true);
        return thread;
      });
      http.setExecutor(threads);
      http.createContext("/", exchange -> route(longestFirst, exchange));
      http.start();
      return new PublicationServer(http, threads, host);
    }
  }

  private record Mount(String path, HttpHandler handler) {
    /** By whole segments: the JDK's own contexts would give /ocspx to /ocsp. */
    boolean serves(String requestPath) {
      return path.equals("/") || requestPath.equals(path) || requestPath.startsWith(path + "/");
    }
  }

  private static void route(List<Mount> mounts, HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    for (Mount mount : mounts) {
      if (mount.serves(path)) {
        mount.handler().handle(exchange);
        return;
      }
    }
    try (exchange) {
      exchange.sendResponseHeaders(404, -1);
    }
  }
}
