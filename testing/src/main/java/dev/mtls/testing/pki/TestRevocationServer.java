package dev.mtls.testing.pki;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * A loopback OCSP responder and CRL server for tests, whose behaviour a test steers: which serials are revoked or
 * unknown, who signs, how long answers are valid, and whether it is slow or broken. It counts what it is asked.
 * {@code POST /ocsp} answers OCSP requests; {@code GET /crl} serves what {@link #serveCrl} supplies (DER).
 */
public final class TestRevocationServer implements AutoCloseable {
  private final HttpServer server;
  private final Map<BigInteger, Integer> revoked = new ConcurrentHashMap<>();
  private final Map<BigInteger, Boolean> unknown = new ConcurrentHashMap<>();
  private final AtomicInteger ocspRequests = new AtomicInteger();
  private final AtomicInteger crlRequests = new AtomicInteger();
  private volatile X509Certificate issuer;
  private volatile X509Certificate signer;
  private volatile PrivateKey signerKey;
  private volatile List<X509Certificate> included = List.of();
  private volatile Duration validity = Duration.ofMinutes(10);
  private volatile Duration delay = Duration.ZERO;
  private volatile boolean failing;
  private volatile boolean echoNonce = true;
  private volatile Supplier<X509CRL> crl = () -> null;

  private TestRevocationServer(HttpServer server) {
    this.server = server;
  }

  /** A responder for the CA {@code issuer}, signing with the CA's own key. */
  public static TestRevocationServer start(TestCa issuer) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      TestRevocationServer responder = new TestRevocationServer(server);
      responder.issuer = issuer.certificate();
      responder.signer = issuer.certificate();
      responder.signerKey = issuer.privateKey();
      server.createContext("/ocsp", responder::ocsp);
      server.createContext("/crl", responder::crl);
      server.setExecutor(Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "test-revocation-server");
        thread.setDaemon(true);
        return thread;
      }));
      server.start();
      return responder;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public String ocspUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/ocsp";
  }

  public String crlUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/crl";
  }

  public TestRevocationServer revoke(X509Certificate certificate, int reason) {
    revoked.put(certificate.getSerialNumber(), reason);
    return this;
  }

  public TestRevocationServer unknown(X509Certificate certificate) {
    unknown.put(certificate.getSerialNumber(), true);
    return this;
  }

  /** Answers are signed by {@code signer} (a delegated responder, or a stranger) and include its certificate. */
  public TestRevocationServer signedBy(Issued signer) {
    this.signer = signer.certificate();
    this.signerKey = signer.privateKey();
    this.included = List.of(signer.certificate());
    return this;
  }

  public TestRevocationServer validity(Duration validity) {
    this.validity = validity;
    return this;
  }

  /** Waits this long before answering anything. */
  public TestRevocationServer delay(Duration delay) {
    this.delay = delay;
    return this;
  }

  /** Answers HTTP 500 to everything while true. */
  public TestRevocationServer failing(boolean failing) {
    this.failing = failing;
    return this;
  }

  /** Echo the request's nonce (true) or put another one in the answer (false: a replay). */
  public TestRevocationServer echoNonce(boolean echo) {
    this.echoNonce = echo;
    return this;
  }

  /** What {@code GET /crl} serves. */
  public TestRevocationServer serveCrl(Supplier<X509CRL> crl) {
    this.crl = crl;
    return this;
  }

  public int ocspRequests() {
    return ocspRequests.get();
  }

  public int crlRequests() {
    return crlRequests.get();
  }

  /** A DER OCSP response about {@code certificate}, as a server would staple it. */
  public byte[] responseFor(X509Certificate certificate) {
    try {
      var id = new org.bouncycastle.cert.ocsp.CertificateID(new JcaDigestCalculatorProviderBuilder().build()
          .get(org.bouncycastle.cert.ocsp.CertificateID.HASH_SHA1), new JcaX509CertificateHolder(issuer),
          certificate.getSerialNumber());
      return answer(new Req[0], List.of(id), null);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void ocsp(HttpExchange exchange) throws IOException {
    ocspRequests.incrementAndGet();
    try (exchange) {
      pause();
      if (failing) {
        exchange.sendResponseHeaders(500, -1);
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      OCSPReq request = new OCSPReq(body);
      Extension nonce = request.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
      List<org.bouncycastle.cert.ocsp.CertificateID> ids = java.util.Arrays.stream(request.getRequestList())
          .map(Req::getCertID).toList();
      byte[] answer = answer(request.getRequestList(), ids, nonce);
      exchange.getResponseHeaders().set("Content-Type", "application/ocsp-response");
      exchange.sendResponseHeaders(200, answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    } catch (Exception e) {
      exchange.sendResponseHeaders(400, -1);
    }
  }

  private byte[] answer(Req[] requests, List<org.bouncycastle.cert.ocsp.CertificateID> ids, Extension nonce)
      throws Exception {
    Instant now = Instant.now();
    BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(new RespID(
        new JcaX509CertificateHolder(signer).getSubject()));
    for (var id : ids) {
      CertificateStatus status = CertificateStatus.GOOD;
      if (unknown.containsKey(id.getSerialNumber())) {
        status = new UnknownStatus();
      } else if (revoked.containsKey(id.getSerialNumber())) {
        status = new RevokedStatus(Date.from(now.minusSeconds(60)), revoked.get(id.getSerialNumber()));
      }
      builder.addResponse(id, status, Date.from(now.minusSeconds(1)), Date.from(now.plus(validity)), null);
    }
    if (nonce != null) {
      Extension answered = echoNonce ? nonce : new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
          new org.bouncycastle.asn1.DEROctetString(new byte[] {1, 2, 3}).getEncoded());
      builder.setResponseExtensions(new Extensions(answered));
    }
    X509CertificateHolder[] chain = included.stream().map(c -> {
      try {
        return new JcaX509CertificateHolder(c);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }).toArray(X509CertificateHolder[]::new);
    String algorithm = signerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    var basic = builder.build(new JcaContentSignerBuilder(algorithm).build(signerKey), chain, Date.from(now));
    return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
  }

  private void crl(HttpExchange exchange) throws IOException {
    crlRequests.incrementAndGet();
    try (exchange) {
      pause();
      X509CRL current = crl.get();
      if (failing || current == null) {
        exchange.sendResponseHeaders(failing ? 500 : 404, -1);
        return;
      }
      byte[] der = current.getEncoded();
      exchange.getResponseHeaders().set("Content-Type", "application/pkix-crl");
      exchange.sendResponseHeaders(200, der.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(der);
      }
    } catch (java.security.cert.CRLException e) {
      exchange.sendResponseHeaders(500, -1);
    }
  }

  private void pause() {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reason codes, for {@link #revoke}. */
  public static final int KEY_COMPROMISE = CRLReason.keyCompromise;

  @Override
  public void close() {
    server.stop(0);
  }
}
