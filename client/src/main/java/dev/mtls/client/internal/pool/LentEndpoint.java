package dev.mtls.client.internal.pool;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.EndpointInfo;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.nio.AsyncConnectionEndpoint;
import org.apache.hc.core5.http.nio.AsyncClientExchangeHandler;
import org.apache.hc.core5.http.nio.AsyncPushConsumer;
import org.apache.hc.core5.http.nio.HandlerFactory;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

/**
 * What one request holds of a connection, as {@link SharingConnectionManager} lends it: the pool's endpoint, its
 * own or shared with the other requests to an HTTP/2 server. A request that fails does not close what it shares.
 */
final class LentEndpoint extends AsyncConnectionEndpoint {
  final HttpRoute route;
  final AsyncConnectionEndpoint endpoint;
  /** Whether this request opens its server's connection while others wait to share it. */
  final boolean opener;
  final AtomicBoolean returned = new AtomicBoolean();
  /** The shared HTTP/2 connection this is a part of; null while the endpoint is the request's own. */
  volatile SharedConnection shared;
  /** For an opener: whether its connection was judged (shared, or HTTP/1.1 and its own). */
  volatile boolean settled;

  LentEndpoint(HttpRoute route, AsyncConnectionEndpoint endpoint, boolean opener) {
    this.route = route;
    this.endpoint = endpoint;
    this.opener = opener;
  }

  LentEndpoint(SharedConnection shared) {
    this(shared.route, shared.endpoint, false);
    this.shared = shared;
  }

  @Override
  public void execute(String id, AsyncClientExchangeHandler exchangeHandler,
      HandlerFactory<AsyncPushConsumer> pushHandlerFactory, HttpContext context) {
    endpoint.execute(id, exchangeHandler, pushHandlerFactory, context);
  }

  @Override
  public boolean isConnected() {
    return endpoint.isConnected();
  }

  @Override
  public void setSocketTimeout(Timeout timeout) {
    if (shared == null) {
      endpoint.setSocketTimeout(timeout);
    }
  }

  /**
   * Closes the request's own connection. HttpClient closes the endpoint of a request that failed; a shared HTTP/2
   * connection stays (the failed stream was reset on its own), or the other requests' streams would fail with it.
   */
  @Override
  public void close(CloseMode closeMode) {
    if (shared == null) {
      endpoint.close(closeMode);
    }
  }

  @Override
  public EndpointInfo getInfo() {
    return endpoint.getInfo();
  }
}
