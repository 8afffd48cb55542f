package dev.mtls.testing.tls;

import dev.mtls.testing.pki.Issued;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.SecureRandom;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A small JSSE HTTPS/1.1 server for the client's tests: the JDK's own TLS and PKIX, not the project's server. It
 * requires client certificates, keeps connections alive, answers {@code 200 hello <client subject>} (or the status
 * in a {@code /status/NNN} path; {@link #pattern N bytes} on {@code /bytes/N}; on {@code /truncated} it announces
 * more body than it sends and closes), and counts requests, accepted connections, completed handshakes and full
 * handshakes (those in which it checked a client certificate, which a session resumption does not: counting the
 * server's own certificate choice would not do, because a JDK 25 server resuming from a stateless ticket chooses
 * it again).
 */
public final class TlsTestServer implements AutoCloseable {
  public final AtomicInteger connections = new AtomicInteger();
  public final AtomicInteger handshakes = new AtomicInteger();
  public final AtomicInteger fullHandshakes = new AtomicInteger();
  public final AtomicInteger requests = new AtomicInteger();
  /** What went wrong on connections (handshakes the client gave up on included). */
  public final List<String> failures = new CopyOnWriteArrayList<>();
  /** The serial number of the certificate each connection's client presented, in order of handshake. */
  public final List<BigInteger> clientSerials = new CopyOnWriteArrayList<>();
  private final SSLServerSocket serverSocket;
  private final ExecutorService workers = Executors.newCachedThreadPool();

  private TlsTestServer(Issued identity, List<X509Certificate> anchors, List<X509CRL> crls, List<String> protocols)
      throws GeneralSecurityException, IOException {
    X509TrustManager judge = crls.isEmpty() ? TlsProbe.trustManager(anchors) : revocationChecking(anchors, crls);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(new KeyManager[] {identity.keyManager()},
        new TrustManager[] {new CountingTrustManager((X509ExtendedTrustManager) judge, fullHandshakes)}, new SecureRandom());
    serverSocket = (SSLServerSocket) context.getServerSocketFactory()
        .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    serverSocket.setEnabledProtocols(protocols.toArray(new String[0]));
    serverSocket.setNeedClientAuth(true);
    workers.execute(this::acceptLoop);
  }

  /** Serves as {@code identity}, accepting clients below {@code anchors}, over {@code protocols}. */
  public static TlsTestServer start(Issued identity, List<X509Certificate> anchors, List<String> protocols)
      throws GeneralSecurityException, IOException {
    return new TlsTestServer(identity, anchors, List.of(), protocols);
  }

  /** Also refuses clients whose certificate {@code crls} revoke (the end entity is checked, by the JDK's PKIX). */
  public static TlsTestServer startWithCrls(Issued identity, List<X509Certificate> anchors, List<X509CRL> crls,
      List<String> protocols) throws GeneralSecurityException, IOException {
    return new TlsTestServer(identity, anchors, crls, protocols);
  }

  public int port() {
    return serverSocket.getLocalPort();
  }

  public String url(String path) {
    return "https://localhost:" + port() + path;
  }

  @Override
  public void close() throws IOException {
    serverSocket.close();
    workers.shutdownNow();
  }

  private void acceptLoop() {
    while (!serverSocket.isClosed()) {
      try {
        Socket socket = serverSocket.accept();
        connections.incrementAndGet();
        workers.execute(() -> serve((SSLSocket) socket));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(SSLSocket socket) {
    try (socket) {
      socket.startHandshake();
      handshakes.incrementAndGet();
      if (socket.getSession().getPeerCertificates()[0] instanceof X509Certificate client) {
        clientSerials.add(client.getSerialNumber());
      }
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      while (true) {
        String requestLine = line(in);
        if (requestLine == null || requestLine.isEmpty()) {
          return;
        }
        int contentLength = 0;
        for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
          if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
            contentLength = Integer.parseInt(header.substring(15).trim());
          }
        }
        byte[] body = in.readNBytes(contentLength);
        requests.incrementAndGet();
        String path = requestLine.split(" ")[1];
        int status = path.startsWith("/status/") ? Integer.parseInt(path.substring(8)) : 200;
        Principal peer = socket.getSession().getPeerPrincipal();
        String answer = "hello " + peer.getName() + (body.length > 0 ? " got " + body.length + " bytes" : "");
        byte[] bytes = path.startsWith("/bytes/") ? pattern(Integer.parseInt(path.substring(7)))
            : answer.getBytes(StandardCharsets.UTF_8);
        // One write, one TLS record: head and body in two small writes meet Nagle and delayed ACK (40 ms each).
        boolean truncated = path.equals("/truncated");
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        response.write(("HTTP/1.1 " + status + " Test\r\nContent-Type: text/plain\r\nContent-Length: "
            + (truncated ? bytes.length + 100 : bytes.length) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        response.write(bytes);
        out.write(response.toByteArray());
        out.flush();
        if (truncated) {
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      failures.add(String.valueOf(e.getMessage()));
    }
  }

  /** {@code /bytes/N} answers these N bytes: each byte its position modulo 251, so a lost or moved byte shows. */
  public static byte[] pattern(int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (i % 251);
    }
    return bytes;
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        String text = buffer.toString(StandardCharsets.US_ASCII);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      buffer.write(b);
    }
    return buffer.size() == 0 ? null : buffer.toString(StandardCharsets.US_ASCII);
  }

  /** PKIX with CRLs for the end entity only (the test's intermediate has no CRL of its own issuer). */
  static X509TrustManager revocationChecking(List<X509Certificate> anchors, List<X509CRL> crls)
      throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    for (int i = 0; i < anchors.size(); i++) {
      store.setCertificateEntry("anchor-" + i, anchors.get(i));
    }
    PKIXBuilderParameters parameters = new PKIXBuilderParameters(store, new X509CertSelector());
    parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
    PKIXRevocationChecker checker = (PKIXRevocationChecker) CertPathBuilder.getInstance("PKIX").getRevocationChecker();
    checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.ONLY_END_ENTITY,
        PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK));
    parameters.addCertPathChecker(checker);
    parameters.setRevocationEnabled(true);
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(new CertPathTrustManagerParameters(parameters));
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new IllegalStateException("no X509TrustManager");
  }
}
