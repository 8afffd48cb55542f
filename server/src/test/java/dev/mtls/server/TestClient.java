package dev.mtls.server;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.TlsPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A deliberately plain HTTPS/1.1 client over an SSLSocket, so tests control exactly what is offered: identity (or
 * none), protocols and cipher suites. It verifies the server's certificate and host name (127.0.0.1 as IP SAN).
 */
public final class TestClient {
  record Response(int status, Map<String, String> headers, String body, SSLSession session) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private final SSLContext context;
  private String[] protocols;
  private String[] cipherSuites;
  private String localAddress;
  private byte[] preamble;

  TestClient(Identity identity, X509Certificate serverRoot) {
    this.context = TlsPolicy.context(identity == null ? null : identity.keyManager(), jdkTrustManager(serverRoot));
  }

  /** The JDK's own PKIX trust manager: this client is a plain JSSE peer, not the project's client. */
  static javax.net.ssl.X509TrustManager jdkTrustManager(X509Certificate root) {
    try {
      javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
      factory.init(TrustAnchors.of(List.of(root)).keyStore());
      return (javax.net.ssl.X509TrustManager) factory.getTrustManagers()[0];
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  TestClient protocols(String... protocols) {
    this.protocols = protocols;
    return this;
  }

  /** Connects from this local address (another 127.x.y.z: a different client address on loopback). */
  TestClient from(String localAddress) {
    this.localAddress = localAddress;
    return this;
  }

  /** Sends these bytes on the TCP connection before the TLS handshake (a PROXY protocol header, as a balancer). */
  TestClient preamble(byte[] bytes) {
    this.preamble = bytes.clone();
    return this;
  }

  TestClient cipherSuites(String... suites) {
    this.cipherSuites = suites;
    return this;
  }

  Response get(int port, String path) throws IOException {
    return request(port, "GET", path);
  }

  Response request(int port, String method, String path) throws IOException {
    try (Connection connection = connect(port)) {
      return connection.request(method, path);
    }
  }

  Connection connect(int port) throws IOException {
    SSLSocket socket;
    if (localAddress == null && preamble == null) {
      socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
    } else {
      java.net.Socket plain = new java.net.Socket();
      if (localAddress != null) {
        plain.bind(new java.net.InetSocketAddress(localAddress, 0));
      }
      plain.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5_000);
      if (preamble != null) {
        plain.getOutputStream().write(preamble);
        plain.getOutputStream().flush();
      }
      socket = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
    }
    socket.setSoTimeout(10_000);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    if (protocols != null) {
      parameters.setProtocols(protocols);
    }
    if (cipherSuites != null) {
      parameters.setCipherSuites(cipherSuites);
    }
    socket.setSSLParameters(parameters);
    socket.startHandshake();
    return new Connection(socket);
  }

  /** One keep-alive connection. */
  static final class Connection implements AutoCloseable {
    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;

    Connection(SSLSocket socket) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    SSLSession session() {
      return socket.getSession();
    }

    boolean isClosedByServer() throws IOException {
      return in.read() < 0;
    }

    Response request(String method, String path) throws IOException {
      String request = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n"
          + (method.equals("POST") ? "Content-Length: 0\r\n" : "") + "\r\n";
      write(request);
      return response();
    }

    /** Writes raw text (a request, or a part of one) and flushes it. */
    void write(String text) throws IOException {
      write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    void write(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
    }

    /** Starts a new handshake on this connection: a TLS 1.2 renegotiation. */
    void renegotiate() throws IOException {
      socket.startHandshake();
    }

    /** Reads one response (head and a Content-Length body). */
    Response response() throws IOException {
      String head = readHead();
      String[] lines = head.split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
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
          throw new java.io.EOFException("connection closed before a response (" + head.size() + " bytes read)");
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
