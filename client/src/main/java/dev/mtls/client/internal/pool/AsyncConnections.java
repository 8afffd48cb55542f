package dev.mtls.client.internal.pool;

import dev.mtls.client.internal.tls.AsyncTlsAdapter;
import dev.mtls.client.internal.tls.ClientTls;
import dev.mtls.client.trace.HandshakeTracer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.DefaultThreadFactory;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.http2.config.H2Config;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * HttpClient5's async pool and client, put together for one identity like {@link Connections} puts the classic ones:
 * connections handshake through the client's TLS side, are kept only while their material generation and their
 * verdict on the server hold, and are retried only where that is safe. Offering HTTP/2, requests in flight to a
 * server that picks it share one connection as streams ({@link SharingConnectionManager}); a new generation retires
 * the shared connections of the old one gracefully and closes idle connections at once.
 */
public final class AsyncConnections implements AutoCloseable {
  /** What the client accepts from an HTTP/2 server: no pushed streams, and a bound on a response's headers. */
  private static final H2Config H2 = H2Config.custom().setPushEnabled(false).setMaxHeaderListSize(64 * 1024).build();

  private final CloseableHttpAsyncClient http;

  /** @param offerHttp2 offer h2 then http/1.1 by ALPN; else HTTP/1.1 only */
  public AsyncConnections(ClientTls tls, PoolSettings settings, boolean offerHttp2, Clock clock) {
    TlsConfig tlsSettings = TlsConfig.custom()
        .setVersionPolicy(offerHttp2 ? HttpVersionPolicy.NEGOTIATE : HttpVersionPolicy.FORCE_HTTP_1)
        .setHandshakeTimeout(timeout(settings.handshakeTimeout()))
        .build();
    AsyncTlsAdapter strategy = tls.asyncStrategy();
    PoolingAsyncClientConnectionManager pool = PoolingAsyncClientConnectionManagerBuilder.create()
        .setTlsStrategy(strategy)
        .setDefaultTlsConfig(tlsSettings)
        .setDefaultConnectionConfig(ConnectionConfig.custom()
            .setConnectTimeout(timeout(settings.connectTimeout()))
            .setSocketTimeout(timeout(settings.responseTimeout()))
            .build())
        .setMaxConnPerRoute(settings.maxConnections())
        .setMaxConnTotal(settings.maxConnections())
        .build();
    LongSupplier generation = () -> tls.current().number();
    SharingConnectionManager sharing =
        new SharingConnectionManager(pool, strategy, tlsSettings, offerHttp2, generation, clock);
    ConnectionFailures failures = new ConnectionFailures();
    strategy.onOpened((connection, handshake, session) -> {
      sharing.opened(connection, handshake, session);
      failures.opened(connection, handshake);
    });
    DrainingReuseStrategy reuse = new DrainingReuseStrategy(generation, clock);
    this.http = HttpAsyncClients.custom()
        .setConnectionManager(sharing)
        .setH2Config(H2)
        .setIOSessionListener(failures)
        // As for the classic client (see Connections): one identity, so no per-user connection state, no cookies,
        // no redirects.
        .disableConnectionState()
        .disableCookieManagement()
        .disableRedirectHandling()
        .setConnectionReuseStrategy(reuse)
        .setKeepAliveStrategy(reuse)
        .setRetryStrategy(new AsyncRetryPolicy())
        .setUserAgent(settings.userAgent())
        .setThreadFactory(new DefaultThreadFactory(HandshakeTracer.IO_THREADS, true))
        .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(timeout(settings.responseTimeout())).build())
        .build();
    tls.onChange(next -> {
      sharing.retireUnlendable();
      pool.closeIdle(TimeValue.ZERO_MILLISECONDS);
    });
    http.start();
  }

  /** The client; its requests share the async pool. */
  public CloseableHttpAsyncClient http() {
    return http;
  }

  /** Cancels the request sent with {@code context}, which is then not retried (it may have been sent). */
  public static void cancel(Future<?> request, HttpContext context) {
    AsyncRetryPolicy.cancelling(context);
    request.cancel(true);
  }

  @Override
  public void close() {
    http.close(CloseMode.GRACEFUL);
  }

  private static Timeout timeout(Duration duration) {
    return Timeout.ofMilliseconds(duration.toMillis());
  }
}
