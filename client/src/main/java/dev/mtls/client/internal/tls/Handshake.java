package dev.mtls.client.internal.tls;

import dev.mtls.pki.material.trust.Verdict;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLSession;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * What we observed during one TLS handshake: whether the server asked for our certificate (and which CAs and key
 * types it accepts), whether we sent one, the chain the server presented and the trust core's verdict on it.
 * Filled in by this package on the handshaking thread; read by the pool, the explainer and the response after the
 * handshake or its failure.
 */
public final class Handshake {
  /** The key under which a request's context and a session carry the handshake that made the connection. */
  private static final String KEY = "dev.mtls.client.handshake";

  private final String host;
  private final int port;
  private final long generation;
  private volatile boolean certificateRequested;
  private volatile List<String> acceptedKeyTypes = List.of();
  private volatile List<Principal> acceptedIssuers = List.of();
  private volatile boolean certificateSent;
  private volatile List<X509Certificate> serverChain = List.of();
  private volatile Verdict serverVerdict;
  private volatile Completion completion;
  private volatile String applicationProtocol = "";
  private volatile boolean inService;
  private volatile Throwable connectionFailure;

  /**
   * What the session of a completed handshake says.
   *
   * @param protocol          e.g. TLSv1.3
   * @param cipherSuite       e.g. TLS_AES_128_GCM_SHA256
   * @param resumed           an abbreviated handshake that resumed an earlier session
   * @param serverCertificate the server's certificate
   * @param ourCertificate    the certificate we presented; null when the server did not ask or we had none
   * @param at                when the handshake completed
   */
  public record Completion(String protocol, String cipherSuite, boolean resumed, X509Certificate serverCertificate,
      X509Certificate ourCertificate, Instant at) {}

  public Handshake(String host, int port, long generation) {
    this.host = host;
    this.port = port;
    this.generation = generation;
  }

  /** The handshake of the connection this request opened; null when it reused a pooled one (or got no further). */
  public static Handshake ofRequest(HttpContext context) {
    return context != null && context.getAttribute(KEY) instanceof Handshake handshake ? handshake : null;
  }

  /** The handshake that made {@code session}; null for a session this client did not make. */
  public static Handshake ofSession(SSLSession session) {
    return session != null && session.getValue(KEY) instanceof Handshake handshake ? handshake : null;
  }

  /** Marks {@code context} as the request that opened this handshake's connection. */
  public void attachTo(HttpContext context) {
    context.setAttribute(KEY, this);
  }

  /** Marks {@code session} as made by this handshake, whose connection now goes into service. */
  void attachTo(SSLSession session) {
    session.putValue(KEY, this);
    inService = true;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** The material generation the handshake used; a pooled connection of an older one is not reused. */
  public long generation() {
    return generation;
  }

  public boolean certificateRequested() {
    return certificateRequested;
  }

  /** The key types we could offer for the server's signature algorithms (empty unless it asked). */
  public List<String> acceptedKeyTypes() {
    return acceptedKeyTypes;
  }

  /** The CAs the server said it accepts (empty unless it asked, or when it accepts any). */
  public List<Principal> acceptedIssuers() {
    return acceptedIssuers;
  }

  public boolean certificateSent() {
    return certificateSent;
  }

  /**
   * The chain the server presented, leaf first (for a resumed session, the one it presented when the session was
   * made); empty when the handshake did not get that far.
   */
  public List<X509Certificate> serverChain() {
    return serverChain;
  }

  /** Our verdict on the server's chain (and host name); null when the handshake did not get that far or resumed. */
  public Verdict serverVerdict() {
    return serverVerdict;
  }

  public boolean completed() {
    return completion != null;
  }

  /** Whether the handshake put its connection in service (a resumed session our trust refused again is not). */
  public boolean inService() {
    return inService;
  }

  /**
   * What ended the connection after its handshake, as its I/O layer saw it (a TLS 1.3 server's alert refusing our
   * certificate, say); null while nothing did. The async client's requests see only that the connection closed.
   */
  public Throwable connectionFailure() {
    return connectionFailure;
  }

  /** Records {@code failure} as what ended the connection, unless something already did. */
  public void connectionFailed(Throwable failure) {
    if (connectionFailure == null) {
      connectionFailure = failure;
    }
  }

  /** How the handshake completed; null while it has not. */
  public Completion completion() {
    return completion;
  }

  void certificateRequest(List<String> keyTypes, List<Principal> issuers, boolean sent) {
    this.certificateRequested = true;
    this.acceptedKeyTypes = List.copyOf(keyTypes);
    this.acceptedIssuers = List.copyOf(issuers);
    this.certificateSent = sent;
  }

  void serverJudged(Verdict verdict) {
    this.serverChain = verdict.offered();
    this.serverVerdict = verdict;
  }

  /** A resumption: no chain was presented or judged in this handshake; the session's is the server's. */
  void resumedWith(List<X509Certificate> sessionChain) {
    this.serverChain = List.copyOf(sessionChain);
  }

  void complete(Completion completion) {
    this.completion = completion;
  }

  /** What ALPN agreed on, e.g. {@code h2} or {@code http/1.1}; empty when nothing was (always for the classic client). */
  public String applicationProtocol() {
    return applicationProtocol;
  }

  void applicationProtocol(String protocol) {
    this.applicationProtocol = protocol == null ? "" : protocol;
  }
}
