package dev.mtls.client.internal.pool;

import dev.mtls.client.internal.tls.Handshake;
import dev.mtls.client.internal.tls.StaleSessionException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;

/**
 * Retries two situations: any request refused before it was sent because the TLS session offered for resumption
 * is stale ({@link StaleSessionException}: a full handshake decides), and an idempotent request that failed on a
 * pooled keep-alive connection the server had already closed. Never a non-idempotent request, never after a handshake in this execution
 * (with TLS 1.3 a rejected client certificate shows up as a broken pipe or reset at the first write or read,
 * and retrying would only repeat the rejection and hide it), never a TLS error, never on a response status.
 */
final class RetryPolicy implements HttpRequestRetryStrategy {

  @Override
  public boolean retryRequest(HttpRequest request, IOException exception, int execCount, HttpContext context) {
    if (exception instanceof StaleSessionException && execCount == 1) {
      // Refused before the request was sent, whatever its method: the next connection's full handshake decides.
      return true;
    }
    if (execCount > 1 || !Method.isIdempotent(request.getMethod())) {
      return false;
    }
    if (Handshake.ofRequest(context) != null) {
      return false;
    }
    if (exception instanceof SSLException) {
      return false;
    }
    return exception instanceof NoHttpResponseException
        || exception instanceof ConnectionClosedException
        || (exception instanceof SocketException && !(exception instanceof ConnectException));
  }

  @Override
  public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
    return false;
  }

  @Override
  public TimeValue getRetryInterval(HttpResponse response, int execCount, HttpContext context) {
    return TimeValue.ZERO_MILLISECONDS;
  }
}
