package dev.mtls.client;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.apache.hc.client5.http.impl.DefaultClientConnectionReuseStrategy;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ConnectionReuseStrategy;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Keeps a connection for the next request only while what it was opened with still holds: it was made with the
 * material generation in service (after a rotation, old connections drain as their requests finish), and the
 * server's certificate is still valid (a pooled connection does not outlive it). Otherwise HttpClient's own rule.
 */
final class DrainingReuseStrategy implements ConnectionReuseStrategy {
  private final LongSupplier generation;
  private final Clock clock;

  DrainingReuseStrategy(LongSupplier generation, Clock clock) {
    this.generation = generation;
    this.clock = clock;
  }

  @Override
  public boolean keepAlive(HttpRequest request, HttpResponse response, HttpContext context) {
    if (!DefaultClientConnectionReuseStrategy.INSTANCE.keepAlive(request, response, context)) {
      return false;
    }
    SSLSession session = HttpClientContext.castOrCreate(context).getSSLSession();
    if (session == null) {
      return true;
    }
    if (!(session.getValue(TlsSocketAdapter.SESSION_HANDSHAKE) instanceof Handshake handshake)
        || handshake.generation != generation.getAsLong()) {
      return false;
    }
    return serverCertificateValid(session);
  }

  private boolean serverCertificateValid(SSLSession session) {
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate leaf
          && leaf.getNotAfter().toInstant().isAfter(clock.instant());
    } catch (SSLPeerUnverifiedException e) {
      return false;
    }
  }
}
