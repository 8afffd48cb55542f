package dev.mtls.client.internal.pool;

import dev.mtls.client.internal.tls.Handshake;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.apache.hc.client5.http.ConnectionKeepAliveStrategy;
import org.apache.hc.client5.http.impl.DefaultClientConnectionReuseStrategy;
import org.apache.hc.client5.http.impl.DefaultConnectionKeepAliveStrategy;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ConnectionReuseStrategy;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;

/**
 * Keeps a connection for the next request only while what it was opened with still holds: it was made with the
 * material generation in service (after a rotation, old connections drain as their requests finish), and the
 * verdict on the server still holds (its path's notAfter and CRLs' nextUpdate; the leaf's notAfter for a resumed
 * session). Otherwise HttpClient's own rule.
 * As keep-alive strategy it bounds how long a connection may wait idle in the pool by the same validity, so one
 * that sits idle past the moment its server's verdict expires is closed rather than reused.
 */
final class DrainingReuseStrategy implements ConnectionReuseStrategy, ConnectionKeepAliveStrategy {
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
    Handshake handshake = Handshake.ofSession(session);
    if (handshake == null || handshake.generation() != generation.getAsLong()) {
      return false;
    }
    Instant until = validUntil(session);
    return until != null && until.isAfter(clock.instant());
  }

  @Override
  public TimeValue getKeepAliveDuration(HttpResponse response, HttpContext context) {
    TimeValue usual = DefaultConnectionKeepAliveStrategy.INSTANCE.getKeepAliveDuration(response, context);
    SSLSession session = HttpClientContext.castOrCreate(context).getSSLSession();
    Instant until = session == null ? null : validUntil(session);
    if (until == null) {
      return usual;
    }
    long left = Math.max(0, Duration.between(clock.instant(), until).toMillis());
    return TimeValue.isPositive(usual) && usual.toMilliseconds() <= left ? usual : TimeValue.ofMilliseconds(left);
  }

  /** Until when the full handshake's verdict on the server holds, else its certificate's notAfter. */
  static Instant validUntil(SSLSession session) {
    Handshake handshake = Handshake.ofSession(session);
    if (handshake != null && handshake.serverVerdict() != null && handshake.serverVerdict().validUntil().isPresent()) {
      return handshake.serverVerdict().validUntil().get();
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? leaf.getNotAfter().toInstant() : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }
}
