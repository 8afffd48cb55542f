package dev.mtls.client.internal.tls;

import dev.mtls.pki.material.trust.CertificateRejectedException;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.TlsPolicy;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.pki.material.trust.Verdict;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;

/**
 * What the classic and the async socket strategies share: how HttpClient's strategy is built for a generation, and
 * what is done with a session once its handshake has finished.
 */
final class Sessions {
  private Sessions() {}

  /** HttpClient's own strategy (protocols, suites, JSSE host-name check) for {@code generation}, to build. */
  static ClientTlsStrategyBuilder strategy(Generation generation, List<String> protocols) {
    return ClientTlsStrategyBuilder.create()
        .setSslContext(generation.context())
        .setTlsVersions(protocols.toArray(new String[0]))
        // Narrowed to AEAD with ECDHE even when the caller gave its own SSLContext (and so fit for HTTP/2 too).
        .setCiphers(TlsPolicy.cipherSuites(generation.context()))
        // JSSE checks the host name inside the handshake, against the SANs; there is no switch to turn it off.
        .setHostVerificationPolicy(HostnameVerificationPolicy.BUILTIN);
  }

  /** Records how {@code handshake} completed; returns whether it resumed an earlier session (no verdict recorded). */
  static boolean complete(Handshake handshake, SSLSession session, Clock clock) throws SSLPeerUnverifiedException {
    boolean resumed = handshake.serverVerdict() == null;
    if (resumed) {
      handshake.resumedWith(chain(session));
    }
    handshake.complete(new Handshake.Completion(session.getProtocol(), session.getCipherSuite(), resumed,
        leaf(session.getPeerCertificates()), leaf(session.getLocalCertificates()), clock.instant()));
    return resumed;
  }

  /**
   * A resumption skips the trust manager, but what the full handshake decided can have expired since (the server
   * certificate's notAfter, an intermediate's, a CRL's nextUpdate): the trust in service judges the session's chain
   * again (a cached verdict while it holds), and a session it no longer trusts is invalidated and refused.
   */
  static void recheckResumed(SSLSession session, Trust trust, Clock clock) throws SSLHandshakeException,
      SSLPeerUnverifiedException {
    List<X509Certificate> chain = chain(session);
    // A resumed session keeps the OCSP responses stapled in the full handshake that made it: they still answer
    // (a must-staple certificate needs them) until their nextUpdate.
    List<byte[]> stapled = session instanceof ExtendedSSLSession extended ? extended.getStatusResponses() : List.of();
    Verdict verdict = trust.verify(chain, Purpose.SERVER, clock.instant(), stapled);
    if (!verdict.isTrusted()) {
      invalidateSessionsOf(session);
      throw new StaleSessionException(new CertificateRejectedException(verdict));
    }
  }

  /**
   * Invalidates {@code session} and every other cached session with the same server certificate (with TLS 1.3 a
   * client may hold several tickets from one server), so that the next connection makes a full handshake.
   */
  private static void invalidateSessionsOf(SSLSession session) throws SSLPeerUnverifiedException {
    session.invalidate();
    SSLSessionContext cache = session.getSessionContext();
    X509Certificate stale = leaf(session.getPeerCertificates());
    if (cache == null || stale == null) {
      return;
    }
    for (Enumeration<byte[]> ids = cache.getIds(); ids.hasMoreElements(); ) {
      SSLSession cached = cache.getSession(ids.nextElement());
      try {
        if (cached != null && stale.equals(leaf(cached.getPeerCertificates()))) {
          cached.invalidate();
        }
      } catch (SSLPeerUnverifiedException noPeer) {
        // Not a session with a server certificate: nothing to compare.
      }
    }
  }

  /** The server chain a session was made with, leaf first. */
  private static List<X509Certificate> chain(SSLSession session) throws SSLPeerUnverifiedException {
    List<X509Certificate> chain = new ArrayList<>();
    for (Certificate certificate : session.getPeerCertificates()) {
      if (certificate instanceof X509Certificate x509) {
        chain.add(x509);
      }
    }
    return chain;
  }

  private static X509Certificate leaf(Certificate[] chain) {
    return chain != null && chain.length > 0 && chain[0] instanceof X509Certificate x509 ? x509 : null;
  }
}
