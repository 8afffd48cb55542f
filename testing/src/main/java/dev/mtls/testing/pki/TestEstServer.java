package dev.mtls.testing.pki;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * A tiny EST server (RFC 7030) for the tests of clients that renew: {@code simplereenroll} only, over HTTPS that
 * asks for a client certificate, signing with a {@link TestCa}. It checks only what a test needs from a CA (the
 * client certificate chains to the anchors, is not on its revoked list, and the CSR keeps its subject); the
 * project's real EST server, with its policy, is {@code pki serve}. A test can take it down (503) and revoke.
 */
public final class TestEstServer implements AutoCloseable {
  private static final String PATH = "/.well-known/est/simplereenroll";

  public final AtomicInteger requests = new AtomicInteger();
  /** The serial numbers it issued, in order. */
  public final List<BigInteger> issued = new CopyOnWriteArrayList<>();
  private final TestCa ca;
  private final Duration lifetime;
  private final Set<BigInteger> revoked = ConcurrentHashMap.newKeySet();
  private final HttpsServer server;
  private final ExecutorService workers = Executors.newFixedThreadPool(2);
  private volatile boolean down;

  private TestEstServer(TestCa ca, Issued identity, List<X509Certificate> anchors, Duration lifetime)
      throws Exception {
    this.ca = ca;
    this.lifetime = lifetime;
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(new KeyManager[] {identity.keyManager()},
        new TrustManager[] {new PathOnly(anchors)}, new SecureRandom());
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setHttpsConfigurator(new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters parameters) {
        var ssl = context.getDefaultSSLParameters();
        ssl.setWantClientAuth(true);
        parameters.setSSLParameters(ssl);
      }
    });
    server.createContext("/.well-known/est/", this::handle);
    server.setExecutor(workers);
    server.start();
  }

  /**
   * Serves on 127.0.0.1 as {@code identity} (a server certificate for localhost), accepting clients below
   * {@code anchors}, issuing certificates valid from a minute ago for {@code lifetime}.
   */
  public static TestEstServer start(TestCa ca, Issued identity, List<X509Certificate> anchors, Duration lifetime) {
    try {
      return new TestEstServer(ca, identity, anchors, lifetime);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the test EST server: " + e.getMessage(), e);
    }
  }

  /** The EST base URI: {@code https://localhost:PORT}. */
  public URI uri() {
    return URI.create("https://localhost:" + server.getAddress().getPort());
  }

  /** While down, every request is answered 503, as by a CA behind a proxy that is up while the CA is not. */
  public void down(boolean down) {
    this.down = down;
  }

  /** Refuses re-enrolment (403) to the certificate with {@code serial}. */
  public void revoke(BigInteger serial) {
    revoked.add(serial);
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      requests.incrementAndGet();
      if (!exchange.getRequestURI().getPath().equals(PATH) || !exchange.getRequestMethod().equals("POST")) {
        answer(exchange, 404, "text/plain", "only simplereenroll here");
        return;
      }
      if (down) {
        answer(exchange, 503, "text/plain", "the CA is down");
        return;
      }
      X509Certificate client;
      try {
        client = (X509Certificate) ((HttpsExchange) exchange).getSSLSession().getPeerCertificates()[0];
      } catch (SSLPeerUnverifiedException e) {
        answer(exchange, 401, "text/plain", "re-enrolment needs the current certificate");
        return;
      }
      if (revoked.contains(client.getSerialNumber())) {
        answer(exchange, 403, "text/plain", "the certificate is revoked");
        return;
      }
      byte[] body = exchange.getRequestBody().readNBytes(64 * 1024);
      PKCS10CertificationRequest csr = new PKCS10CertificationRequest(Base64.getMimeDecoder().decode(body));
      if (!new javax.security.auth.x500.X500Principal(csr.getSubject().getEncoded())
          .equals(client.getSubjectX500Principal())) {
        answer(exchange, 400, "text/plain", "the subject changed");
        return;
      }
      Instant now = Instant.now();
      CertificateBuilder builder = ca.issue(csr).validity(now.minus(Duration.ofMinutes(1)), now.plus(lifetime));
      List<String> purposes = client.getExtendedKeyUsage();
      if (purposes != null) {
        builder.extendedKeyUsage(purposes.stream()
            .map(oid -> KeyPurposeId.getInstance(new ASN1ObjectIdentifier(oid))).toArray(KeyPurposeId[]::new));
      }
      X509Certificate certificate = builder.build().certificate();
      issued.add(certificate.getSerialNumber());
      CMSSignedDataGenerator certsOnly = new CMSSignedDataGenerator();
      certsOnly.addCertificate(new JcaX509CertificateHolder(certificate));
      answer(exchange, 200, "application/pkcs7-mime; smime-type=certs-only",
          Base64.getMimeEncoder().encodeToString(certsOnly.generate(new CMSAbsentContent()).getEncoded()));
    } catch (Exception e) {
      answer(exchange, 500, "text/plain", "test EST server: " + e);
    }
  }

  /**
   * Accepts a client whose chain PKIX-validates to the anchors, whatever its extended key usage: a server
   * re-enrols with its server certificate (serverAuth only), which the JDK's trust manager refuses as a TLS client.
   */
  private static final class PathOnly implements X509TrustManager {
    private final Set<TrustAnchor> anchors;

    PathOnly(List<X509Certificate> anchors) {
      this.anchors = anchors.stream().map(anchor -> new TrustAnchor(anchor, null)).collect(Collectors.toSet());
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      try {
        PKIXParameters parameters = new PKIXParameters(anchors);
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
            CertificateFactory.getInstance("X.509").generateCertPath(List.of(chain)), parameters);
      } catch (GeneralSecurityException e) {
        throw new CertificateException("not a client of this CA: " + e.getMessage(), e);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("a server only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return anchors.stream().map(TrustAnchor::getTrustedCert).toArray(X509Certificate[]::new);
    }
  }

  private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
    exchange.getResponseHeaders().set("Content-Type", type);
    if (status == 200) {
      exchange.getResponseHeaders().set("Content-Transfer-Encoding", "base64");
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
