package dev.mtls.client.internal.pool;

import dev.mtls.client.internal.tls.ClientTls;
import java.time.Clock;
import java.time.Duration;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * HttpClient5's pool and classic client, put together for one identity: connections handshake through the client's
 * TLS side, are kept only while their material generation and their verdict on the server hold, and are retried
 * only where that is safe. A new generation closes the idle connections of the old one at once; those in use close
 * when they come back to the pool.
 */
public final class Connections implements AutoCloseable {
  private final PoolingHttpClientConnectionManager pool;
  private final CloseableHttpClient http;

  public Connections(ClientTls tls, PoolSettings settings, Clock clock) {
    this.pool = PoolingHttpClientConnectionManagerBuilder.create()
        .setTlsSocketStrategy(tls.socketStrategy())
        .setDefaultTlsConfig(TlsConfig.custom().setHandshakeTimeout(timeout(settings.handshakeTimeout())).build())
        .setDefaultConnectionConfig(ConnectionConfig.custom()
            .setConnectTimeout(timeout(settings.connectTimeout()))
            .setSocketTimeout(timeout(settings.responseTimeout()))
            .build())
        .setMaxConnPerRoute(settings.maxConnections())
        .setMaxConnTotal(settings.maxConnections())
        .build();
    DrainingReuseStrategy reuse = new DrainingReuseStrategy(() -> tls.current().number(), clock);
    this.http = HttpClients.custom()
        .setConnectionManager(pool)
        // One identity per client: HttpClient would tag each TLS connection with our certificate's principal and then
        // never hand it to a request without that tag, so every request would make a new handshake.
        .disableConnectionState()
        // An API client whose identity is its certificate: no cookie state carried from one response to the next
        // request, and no transparent decompression (no decompression bombs, no compression oracle on secrets
        // in responses). Both were also a tenth of a request's CPU.
        .disableCookieManagement()
        .disableContentCompression()
        .setConnectionReuseStrategy(reuse)
        .setKeepAliveStrategy(reuse)
        .setRetryStrategy(new RetryPolicy())
        .disableRedirectHandling()
        .setUserAgent(settings.userAgent())
        .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(timeout(settings.responseTimeout())).build())
        .build();
    tls.onChange(generation -> pool.closeIdle(TimeValue.ZERO_MILLISECONDS));
  }

  /** The client; requests through it share the pool. */
  public CloseableHttpClient http() {
    return http;
  }

  @Override
  public void close() {
    http.close(CloseMode.GRACEFUL);
  }

  private static Timeout timeout(Duration duration) {
    return Timeout.ofMilliseconds(duration.toMillis());
  }
}
