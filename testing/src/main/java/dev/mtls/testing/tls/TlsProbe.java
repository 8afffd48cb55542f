package dev.mtls.testing.tls;

import dev.mtls.testing.pki.Issued;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A deliberately plain HTTPS/1.1 client over an SSLSocket, with the JDK's own trust manager, so a test controls
 * exactly what is offered to the server under test: the identity (or none), protocols, cipher suites, the local
 * address, bytes before the handshake. It verifies the server's certificate and host name (127.0.0.1).
 */
public final class TlsProbe {
  /** One response: status, headers (names lower-case), the body as text, and the session it came over. */
  public record Response(int status, Map<String, String> headers, String body, SSLSession session) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private final SSLContext context;
  private String[] protocols;
  private String[] cipherSuites;
  private String localAddress;
  private byte[] preamble;

  private TlsProbe(KeyManager keyManager, X509Certificate serverRoot) {
    try {
      this.context = SSLContext.getInstance("TLS");
      context.init(keyManager == null ? null : new KeyManager[] {keyManager},
          new TrustManager[] {trustManager(List.of(serverRoot))}, new SecureRandom());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up a TLS client", e);
    }
  }

  /** A client presenting {@code identity} (null: no certificate) and trusting servers below {@code serverRoot}. */
  public static TlsProbe of(Issued identity, X509Certificate serverRoot) {
    return new TlsProbe(identity == null ? null : identity.keyManager(), serverRoot);
  }

  /** A client presenting whatever {@code keyManager} chooses. */
  public static TlsProbe of(KeyManager keyManager, X509Certificate serverRoot) {
    return new TlsProbe(keyManager, serverRoot);
  }

  /** The JDK's own PKIX trust manager over {@code anchors}: the judge of a plain JSSE peer. */
  public static X509TrustManager trustManager(List<X509Certificate> anchors) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < anchors.size(); i++) {
        store.setCertificateEntry("anchor-" + i, anchors.get(i));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(store);
      return (X509TrustManager) factory.getTrustManagers()[0];
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust manager", e);
    }
  }

  public TlsProbe protocols(String... protocols) {
    this.protocols = protocols.clone();
    return this;
  }

  public TlsProbe cipherSuites(String... suites) {
    this.cipherSuites = suites.clone();
    return this;
  }

  /** Connects from this local address (another 127.x.y.z: a different client address on loopback). */
  public TlsProbe from(String localAddress) {
    this.localAddress = localAddress;
    return this;
  }

  /** Sends these bytes on the TCP connection before the TLS handshake (a PROXY protocol header, as a balancer). */
  public TlsProbe preamble(byte[] bytes) {
    this.preamble = bytes.clone();
    return this;
  }

  public Response get(int port, String path) throws IOException {
    return request(port, "GET", path);
  }

  /** One request on a new connection. */
  public Response request(int port, String method, String path) throws IOException {
    try (Connection connection = connect(port)) {
      return connection.request(method, path);
    }
  }

  /** A new connection to 127.0.0.1:{@code port}, handshake done. */
  public Connection connect(int port) throws IOException {
    return new Connection(socket(port));
  }

  /**
   * A TLS socket to 127.0.0.1:{@code port}, handshake done, that offered {@code applicationProtocols} by ALPN
   * (none: no ALPN): what another protocol's client (HTTP/2) builds on.
   */
  public SSLSocket socket(int port, String... applicationProtocols) throws IOException {
    Socket plain = new Socket();
    if (localAddress != null) {
      plain.bind(new InetSocketAddress(localAddress, 0));
    }
    plain.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    return handshake(plain, port, applicationProtocols);
  }

  /** A keep-alive connection over {@code plain}, a TCP connection opened earlier, handshake done. */
  public Connection connect(Socket plain) throws IOException {
    return new Connection(handshake(plain, plain.getPort()));
  }

  private SSLSocket handshake(Socket plain, int port, String... applicationProtocols) throws IOException {
    if (preamble != null) {
      plain.getOutputStream().write(preamble);
      plain.getOutputStream().flush();
    }
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
    socket.setSoTimeout(10_000);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    if (protocols != null) {
      parameters.setProtocols(protocols);
    }
    if (cipherSuites != null) {
      parameters.setCipherSuites(cipherSuites);
    }
    if (applicationProtocols.length > 0) {
      parameters.setApplicationProtocols(applicationProtocols);
    }
    socket.setSSLParameters(parameters);
    socket.startHandshake();
    return socket;
  }

  /** One keep-alive connection. */
  public static final class Connection implements AutoCloseable {
    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;

    Connection(SSLSocket socket) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    public SSLSession session() {
      return socket.getSession();
    }

    /** Whether the server has closed the connection (blocks until it does, or sends something). */
    public boolean isClosedByServer() throws IOException {
      return in.read() < 0;
    }

    public Response request(String method, String path) throws IOException {
      write(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n"
          + (method.equals("POST") || method.equals("PUT") ? "Content-Length: 0\r\n" : "") + "\r\n");
      return response();
    }

    /** Writes raw text (a request, or a part of one) and flushes it. */
    public void write(String text) throws IOException {
      write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public void write(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
    }

    /** Starts a new handshake on this connection: a TLS 1.2 renegotiation. */
    public void renegotiate() throws IOException {
      socket.startHandshake();
    }

    /** Reads one response (head and a Content-Length body). */
    public Response response() throws IOException {
      String head = readHead();
      String[] lines = head.split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      byte[] body = in.readNBytes(length);
      return new Response(status, headers, new String(body, StandardCharsets.UTF_8), socket.getSession());
    }

    private String readHead() throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          throw new EOFException("connection closed before a response (" + head.size() + " bytes read)");
        }
        head.write(b);
        matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      String text = head.toString(StandardCharsets.ISO_8859_1);
      return text.substring(0, text.length() - 4);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
