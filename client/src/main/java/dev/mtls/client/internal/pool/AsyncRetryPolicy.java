package dev.mtls.client.internal.pool;

import dev.mtls.client.internal.tls.Handshake;
import java.io.IOException;
import java.io.InterruptedIOException;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.RequestNotExecutedException;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;

/**
 * The async client's retries: those of {@link RetryPolicy}, and once more, whatever the method, a request the server
 * says it did not process: the streams a server's GOAWAY excluded, and requests queued on a connection that closed
 * before they left ({@link RequestNotExecutedException}); sent again, they open or share another connection. Never
 * after a handshake in this execution, as {@link RetryPolicy}: a closed connection is how a TLS 1.3 server refuses
 * our certificate. A plain {@link InterruptedIOException} is not retried: HttpClient 5.6 also raises it for an
 * exchange that had already completed (its future done before the cancellation was attached), and sending such a
 * request again would send it twice.
 */
final class AsyncRetryPolicy implements HttpRequestRetryStrategy {
  private static final String CANCELLED = "dev.mtls.client.cancelled";
  private final RetryPolicy usual = new RetryPolicy();

  /** Marks the request of {@code context} as cancelled by the client, before it cancels it: never to be retried. */
  static void cancelling(HttpContext context) {
    context.setAttribute(CANCELLED, Boolean.TRUE);
  }

  @Override
  public boolean retryRequest(HttpRequest request, IOException exception, int execCount, HttpContext context) {
    if (context != null && context.getAttribute(CANCELLED) != null) {
      return false;
    }
    if (usual.retryRequest(request, exception, execCount, context)) {
      return true;
    }
    return execCount == 1 && Handshake.ofRequest(context) == null && exception instanceof RequestNotExecutedException;
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
