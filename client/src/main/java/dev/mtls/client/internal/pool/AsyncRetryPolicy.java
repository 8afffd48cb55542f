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
 * The async client's retries: those of {@link RetryPolicy}, and once more, whatever the method, a request that never
 * left the client or that the server says it did not process. An HTTP/2 connection closing (a rotation of our
 * material retires it, the server sends GOAWAY) cancels the requests still queued on it ({@link InterruptedIOException}
 * itself, not a timeout) and fails the streams the server's GOAWAY excluded ({@link RequestNotExecutedException});
 * sent again, they open or share another connection. A request the client cancelled ({@link #cancelling}, when its
 * time is up) also fails with {@link InterruptedIOException}, maybe after it was sent: it is not sent again.
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
    // As RetryPolicy: never after a handshake in this execution, where a closed connection is how a TLS 1.3
    // server refuses our certificate.
    return execCount == 1 && Handshake.ofRequest(context) == null
        && (exception instanceof RequestNotExecutedException || exception.getClass() == InterruptedIOException.class);
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
