package dev.mtls.testing.tls;

import dev.mtls.testing.pki.Issued;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.xnio.Options;
import org.xnio.Sequence;
import org.xnio.SslClientAuthMode;

/**
 * A small HTTPS server for the client's HTTP/2 tests: Undertow with HTTP/2 on (ALPN {@code h2}, then
 * {@code http/1.1}) and the JDK's own TLS and PKIX, not the project's server. It requires client certificates and
 * answers {@code 200 hello <client subject> over <protocol>}, or:
 * <ul>
 *   <li>{@code /status/NNN}: that status;
 *   <li>{@code /slow/N}: after N ms;
 *   <li>{@code /together/N}: only once N such requests are in the server at the same time (within 10 s, else 504):
 *       N concurrent streams on one connection prove that a client multiplexes rather than queues;
 *   <li>{@code /header/N}: with a response header of N bytes;
 *   <li>{@code /truncated}: 7 bytes of a body whose Content-Length says 1000, then the handler fails.
 * </ul>
 * It counts the connections requests came on (and those closed since), full handshakes and requests. Needs
 * {@code undertow-core} on the test class path.
 */
public final class H2TestServer implements AutoCloseable {
  /** The header that names the protocol a request came over, {@code HTTP/2.0} or {@code HTTP/1.1}. */
  public static final String PROTOCOL_HEADER = "X-Protocol";
  public final AtomicInteger fullHandshakes = new AtomicInteger();
  public final AtomicInteger requests = new AtomicInteger();
  /** Connections that carried a request and have closed since. */
  public final AtomicInteger closedConnections = new AtomicInteger();
  /** The serial number of the certificate each connection's client presented, in order of first request. */
  public final List<BigInteger> clientSerials = new CopyOnWriteArrayList<>();
  private final Map<SocketAddress, BigInteger> connections = new ConcurrentHashMap<>();
  private final Map<Integer, CountDownLatch> together = new ConcurrentHashMap<>();
  private final Undertow undertow;
  private final int port;

  private H2TestServer(Issued identity, X509TrustManager judge, List<String> protocols)
      throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(new KeyManager[] {identity.keyManager()},
        new TrustManager[] {new CountingTrustManager((X509ExtendedTrustManager) judge, fullHandshakes)},
        new SecureRandom());
    undertow = Undertow.builder()
        .setServerOption(UndertowOptions.ENABLE_HTTP2, true)
        .setSocketOption(Options.SSL_CLIENT_AUTH_MODE, SslClientAuthMode.REQUIRED)
        .setSocketOption(Options.SSL_ENABLED_PROTOCOLS, Sequence.of(protocols))
        .setIoThreads(1)
        .setWorkerThreads(40)
        .addHttpsListener(0, "127.0.0.1", context)
        .setHandler(this::handle)
        .build();
    undertow.start();
    port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  /** Serves as {@code identity}, accepting clients below {@code anchors}, over {@code protocols}. */
  public static H2TestServer start(Issued identity, List<X509Certificate> anchors, List<String> protocols)
      throws GeneralSecurityException {
    return new H2TestServer(identity, TlsProbe.trustManager(anchors), protocols);
  }

  /** Also refuses clients whose certificate {@code crls} revoke (the end entity is checked, by the JDK's PKIX). */
  public static H2TestServer startWithCrls(Issued identity, List<X509Certificate> anchors, List<X509CRL> crls,
      List<String> protocols) throws GeneralSecurityException, IOException {
    return new H2TestServer(identity, TlsTestServer.revocationChecking(anchors, crls), protocols);
  }

  public int port() {
    return port;
  }

  public String url(String path) {
    return "https://localhost:" + port + path;
  }

  /** Connections that carried at least one request. */
  public int connections() {
    return connections.size();
  }

  @Override
  public void close() {
    undertow.stop();
  }

  private void handle(HttpServerExchange exchange) throws Exception {
    if (exchange.isInIoThread()) {
      exchange.dispatch(this::handle);
      return;
    }
    exchange.startBlocking();
    byte[] body = exchange.getInputStream().readAllBytes();
    requests.incrementAndGet();
    Certificate[] peer = exchange.getConnection().getSslSessionInfo().getPeerCertificates();
    X509Certificate client = (X509Certificate) peer[0];
    if (connections.putIfAbsent(exchange.getConnection().getPeerAddress(), client.getSerialNumber()) == null) {
      clientSerials.add(client.getSerialNumber());
      exchange.getConnection().addCloseListener(connection -> closedConnections.incrementAndGet());
    }
    String path = exchange.getRequestPath();
    int status = path.startsWith("/status/") ? Integer.parseInt(path.substring(8)) : 200;
    if (path.startsWith("/slow/")) {
      Thread.sleep(Long.parseLong(path.substring(6))); // Real time is the subject: a server slow to answer.
    }
    if (path.startsWith("/together/")) {
      int count = Integer.parseInt(path.substring(10));
      CountDownLatch latch = together.computeIfAbsent(count, CountDownLatch::new);
      latch.countDown();
      status = latch.await(10, TimeUnit.SECONDS) ? 200 : 504;
    }
    String protocol = exchange.getProtocol().toString();
    String answer = "hello " + client.getSubjectX500Principal().getName() + " over " + protocol
        + (body.length > 0 ? " got " + body.length + " bytes" : "");
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
    exchange.getResponseHeaders().put(new HttpString(PROTOCOL_HEADER), protocol);
    if (path.startsWith("/header/")) {
      exchange.getResponseHeaders().put(new HttpString("X-Filler"), "x".repeat(Integer.parseInt(path.substring(8))));
    }
    if (path.equals("/truncated")) {
      exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, "1000");
      exchange.getOutputStream().write("partial".getBytes(StandardCharsets.UTF_8));
      exchange.getOutputStream().flush();
      throw new IllegalStateException("a handler that fails after its answer began");
    }
    exchange.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
    exchange.endExchange();
  }
}
