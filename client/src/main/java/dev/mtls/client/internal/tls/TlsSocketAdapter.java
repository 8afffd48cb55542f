package dev.mtls.client.internal.tls;

import dev.mtls.pki.material.trust.CertificateRejectedException;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.TlsPolicy;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.pki.material.trust.Verdict;
import java.io.IOException;
import java.net.Socket;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * The one place that glues our SSLContext into HttpClient5. It builds HttpClient's own classic strategy
 * (protocols, suites, JSSE host-name check) for the material generation in service, and wraps it to count
 * handshakes, to record each one into the request's context (where the failure explainer finds it if the
 * request fails) and to mark each session with the generation that made it.
 */
final class TlsSocketAdapter implements TlsSocketStrategy {
  private record Current(TlsSocketStrategy strategy, long generation, Trust trust) {}

  private final List<String> protocols;
  private final HandshakeRecorder recorder;
  private final Clock clock;
  private final Consumer<Handshake> completed;
  private final AtomicInteger handshakes = new AtomicInteger();
  private volatile Current current;

  TlsSocketAdapter(List<String> protocols, HandshakeRecorder recorder, Clock clock, Consumer<Handshake> completed) {
    this.protocols = protocols;
    this.recorder = recorder;
    this.clock = clock;
    this.completed = completed;
  }

  /**
   * New connections from now on handshake with the generation's context, and their sessions carry its number; a
   * resumed session's server chain is judged again by its trust (none for a caller's own SSLContext, whose trust
   * manager is not ours to repeat).
   */
  void use(Generation generation) {
    TlsSocketStrategy strategy = ClientTlsStrategyBuilder.create()
        .setSslContext(generation.context())
        .setTlsVersions(protocols.toArray(new String[0]))
        // Narrowed to AEAD with ECDHE even when the caller gave its own SSLContext.
        .setCiphers(TlsPolicy.cipherSuites(generation.context()))
        // JSSE checks the host name inside the handshake, against the SANs; there is no switch to turn it off.
        .setHostVerificationPolicy(HostnameVerificationPolicy.BUILTIN)
        .buildClassic();
    current = new Current(strategy, generation.number(), generation.trust());
  }

  @Override
  public SSLSocket upgrade(Socket socket, String target, int port, Object attachment, HttpContext context)
      throws IOException {
    Current now = current;
    Handshake handshake = new Handshake(target, port, now.generation());
    if (context != null) {
      handshake.attachTo(context);
    }
    recorder.begin(handshake);
    SSLSocket upgraded;
    try {
      upgraded = now.strategy().upgrade(socket, target, port, attachment, context);
    } finally {
      recorder.end();
    }
    SSLSession session = upgraded.getSession();
    boolean resumed = handshake.serverVerdict() == null;
    handshake.complete(new Handshake.Completion(session.getProtocol(), session.getCipherSuite(), resumed,
        leaf(session.getPeerCertificates()), leaf(session.getLocalCertificates()), clock.instant()));
    handshakes.incrementAndGet();
    if (resumed && now.trust() != null) {
      recheckResumed(upgraded, session, now.trust());
    }
    handshake.attachTo(session);
    completed.accept(handshake);
    return upgraded;
  }

  /**
   * A resumption skips the trust manager, but what the full handshake decided can have expired since (the server
   * certificate's notAfter, an intermediate's, a CRL's nextUpdate): the trust in service judges the session's chain
   * again (a cached verdict while it holds) and a session it no longer trusts is invalidated and the connection
   * refused.
   */
  private void recheckResumed(SSLSocket socket, SSLSession session, Trust trust) throws IOException {
    List<X509Certificate> chain = new ArrayList<>();
    for (Certificate certificate : session.getPeerCertificates()) {
      if (certificate instanceof X509Certificate x509) {
        chain.add(x509);
      }
    }
    // A resumed session keeps the OCSP responses stapled in the full handshake that made it: they still answer
    // (a must-staple certificate needs them) until their nextUpdate.
    List<byte[]> stapled = session instanceof ExtendedSSLSession extended ? extended.getStatusResponses() : List.of();
    Verdict verdict = trust.verify(chain, Purpose.SERVER, clock.instant(), stapled);
    if (!verdict.isTrusted()) {
      session.invalidate();
      socket.close();
      SSLHandshakeException refused = new SSLHandshakeException("resumed TLS session refused: "
          + verdict.sentence());
      refused.initCause(new CertificateRejectedException(verdict));
      throw refused;
    }
  }

  /** TLS handshakes completed by this client: full ones and resumptions. */
  int handshakes() {
    return handshakes.get();
  }

  private static X509Certificate leaf(Certificate[] chain) {
    return chain != null && chain.length > 0 && chain[0] instanceof X509Certificate x509 ? x509 : null;
  }
}
