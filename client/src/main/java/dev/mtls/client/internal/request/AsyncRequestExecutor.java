package dev.mtls.client.internal.request;

import dev.mtls.client.CompletedRequest;
import dev.mtls.client.Diagnosis;
import dev.mtls.client.FailedRequest;
import dev.mtls.client.HttpVersion;
import dev.mtls.client.MtlsException;
import dev.mtls.client.MtlsResponse;
import dev.mtls.client.internal.diagnosis.Preflight;
import dev.mtls.client.internal.events.Listeners;
import dev.mtls.client.internal.pool.AsyncConnections;
import dev.mtls.client.internal.pool.PoolSettings;
import dev.mtls.client.internal.tls.ClientTls;
import dev.mtls.client.internal.tls.Handshake;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.async.methods.SimpleResponseConsumer;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.concurrent.DefaultThreadFactory;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.ProtocolVersion;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.net.URIAuthority;

/**
 * One request's way through the async client, as {@link RequestExecutor} is through the classic one: the pre-flight
 * gate, the pool, the whole response read with what its connection's handshake saw, and the listeners told; or, on
 * any failure, an {@link MtlsException} explained as the classic client explains it. Futures complete, and listeners
 * are told, on the client's callback threads, never on an I/O thread. Each request is bounded as a whole by the
 * connect, handshake and response timeouts together: HttpClient 5.6 applies its response timeout to an HTTP/2
 * connection's silence, not to one stream.
 */
public final class AsyncRequestExecutor implements AutoCloseable {
  private final RequestExecutor classic;
  private final Preflight preflight;
  private final Listeners listeners;
  private final Clock clock;
  private final Duration deadline;
  private final ExecutorService callbacks =
      Executors.newCachedThreadPool(new DefaultThreadFactory("mtls-client-callback", true));
  private final ScheduledThreadPoolExecutor timer =
      new ScheduledThreadPoolExecutor(1, new DefaultThreadFactory("mtls-client-deadline", true));
  private final Supplier<AsyncConnections> pool;
  private volatile AsyncConnections connections;
  private boolean closed; // guarded by this

  /**
   * Makes nothing yet: the async pool and its I/O threads start with the first request.
   *
   * @param offerHttp2 offer h2 then http/1.1 by ALPN; else HTTP/1.1 only
   * @param classic    the classic executor, whose explanation of a failure this one shares
   */
  public AsyncRequestExecutor(ClientTls tls, PoolSettings settings, boolean offerHttp2, RequestExecutor classic,
      Preflight preflight, Listeners listeners, Clock clock) {
    this.classic = classic;
    this.preflight = preflight;
    this.listeners = listeners;
    this.clock = clock;
    this.deadline = settings.connectTimeout().plus(settings.handshakeTimeout()).plus(settings.responseTimeout());
    timer.setRemoveOnCancelPolicy(true);
    this.pool = () -> new AsyncConnections(tls, settings, offerHttp2, clock);
  }

  /** Sends {@code request}; the future completes with the whole response, or fails with an {@link MtlsException}. */
  public CompletableFuture<MtlsResponse> execute(ClassicHttpRequest request) {
    URIAuthority authority = request.getAuthority();
    if (!"https".equalsIgnoreCase(request.getScheme()) || authority == null) {
      throw new IllegalArgumentException("not an https URL: " + request.getRequestUri());
    }
    Exchange exchange = new Exchange(request, authority, copy(request));
    Diagnosis refusal = preflight.refusal();
    if (refusal != null) {
      exchange.fail(new MtlsException(refusal, null));
      return exchange.result;
    }
    AsyncConnections pool = connections();
    exchange.timeout = timer.schedule(exchange::expire, deadline.toMillis(), TimeUnit.MILLISECONDS);
    exchange.sent = pool.http().execute(SimpleRequestProducer.create(exchange.copy), SimpleResponseConsumer.create(),
        exchange.context, exchange);
    return exchange.result;
  }

  private AsyncConnections connections() {
    AsyncConnections made = connections;
    if (made == null) {
      synchronized (this) {
        if (closed) {
          throw new IllegalStateException("the client is closed");
        }
        if (connections == null) {
          connections = pool.get();
        }
        made = connections;
      }
    }
    return made;
  }

  /** Waits for {@code response}: what a blocking call over the async client returns or throws. */
  public static MtlsResponse await(CompletableFuture<MtlsResponse> response) throws MtlsException {
    try {
      return response.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof MtlsException failure) {
        throw failure;
      }
      throw e.getCause() instanceof RuntimeException unexpected ? unexpected : new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MtlsException(new Diagnosis(Diagnosis.Kind.OTHER, "The request was interrupted while it waited "
          + "for its response.", "The calling thread was interrupted; the request may still complete.",
          e.toString()), e);
    }
  }

  @Override
  public void close() {
    AsyncConnections made;
    synchronized (this) {
      closed = true;
      made = connections;
    }
    if (made != null) {
      made.close();
    }
    callbacks.shutdown();
    timer.shutdownNow();
  }

  /** Runs {@code task} on a callback thread; once the client is closed, here. */
  private void later(Runnable task) {
    try {
      callbacks.execute(task);
    } catch (RejectedExecutionException closed) {
      task.run();
    }
  }

  private static SimpleHttpRequest copy(ClassicHttpRequest request) {
    SimpleRequestBuilder copy = SimpleRequestBuilder.create(request.getMethod()).setUri(RequestExecutor.uri(request));
    for (Header header : request.getHeaders()) {
      copy.addHeader(header);
    }
    HttpEntity entity = request.getEntity();
    if (entity != null) {
      try {
        copy.setBody(EntityUtils.toByteArray(entity),
            entity.getContentType() == null ? null : ContentType.parse(entity.getContentType()));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read the request's body: " + e.getMessage(), e);
      }
    }
    return copy.build();
  }

  /** One request in flight: its context, its future, and the callback HttpClient completes. */
  private final class Exchange implements FutureCallback<SimpleHttpResponse> {
    final ClassicHttpRequest request;
    final String host;
    final int port;
    final SimpleHttpRequest copy;
    final Instant start = clock.instant();
    final HttpClientContext context = HttpClientContext.create();
    final CompletableFuture<MtlsResponse> result = new CompletableFuture<>();
    final AtomicBoolean finished = new AtomicBoolean();
    volatile Future<SimpleHttpResponse> sent;
    volatile ScheduledFuture<?> timeout;

    Exchange(ClassicHttpRequest request, URIAuthority authority, SimpleHttpRequest copy) {
      this.request = request;
      this.host = authority.getHostName();
      this.port = authority.getPort() < 0 ? 443 : authority.getPort();
      this.copy = copy;
    }

    @Override
    public void completed(SimpleHttpResponse response) {
      later(() -> succeed(response));
    }

    @Override
    public void failed(Exception failure) {
      later(() -> fail(failure));
    }

    @Override
    public void cancelled() {
      later(() -> fail(new InterruptedIOException("request cancelled")));
    }

    void expire() {
      later(() -> {
        fail(new SocketTimeoutException("no complete response within " + deadline.toMillis() + " ms"));
        Future<SimpleHttpResponse> inFlight = sent;
        if (inFlight != null) {
          AsyncConnections.cancel(inFlight, context);
        }
      });
    }

    private void succeed(SimpleHttpResponse response) {
      Exception truncated = truncated(response);
      if (truncated != null) {
        fail(truncated);
        return;
      }
      if (!end()) {
        return;
      }
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      for (Header header : response.getHeaders()) {
        headers.add(Map.entry(header.getName(), header.getValue()));
      }
      byte[] body = response.getBodyBytes() == null ? new byte[0] : response.getBodyBytes();
      ProtocolVersion used = response.getVersion() != null ? response.getVersion() : context.getProtocolVersion();
      HttpVersion version = used != null && used.getMajor() >= 2 ? HttpVersion.HTTP_2 : HttpVersion.HTTP_1_1;
      MtlsResponse answer = new MtlsResponse(response.getCode(), headers, body, RequestExecutor.tlsInfo(context),
          version);
      CompletedRequest completed = new CompletedRequest(request.getMethod(), uri(), answer.status(),
          Duration.between(start, clock.instant()), answer.tls().newConnection(), version);
      listeners.tell(listener -> listener.completed(completed));
      result.complete(answer);
    }

    void fail(Exception failure) {
      if (!end()) {
        return;
      }
      Handshake opened = Handshake.ofRequest(context);
      Throwable ended = opened == null ? null : opened.connectionFailure();
      if (ended != null && ended != failure) {
        failure.addSuppressed(ended); // What closed the connection it opened: a server's alert, say.
      }
      MtlsException explained = failure instanceof MtlsException given ? given
          : new MtlsException(classic.explain(failure, host, port, context), failure);
      FailedRequest failed = new FailedRequest(request.getMethod(), uri(), explained.getDiagnosis(),
          Duration.between(start, clock.instant()));
      listeners.tell(listener -> listener.failed(failed));
      result.completeExceptionally(explained);
    }

    /** Marks the exchange ended, once; tells of the handshake it made first (listeners hear it in order). */
    private boolean end() {
      if (!finished.compareAndSet(false, true)) {
        return false;
      }
      ScheduledFuture<?> pending = timeout;
      if (pending != null) {
        pending.cancel(false);
      }
      Handshake opened = Handshake.ofRequest(context);
      if (opened != null && opened.inService()) {
        listeners.connected(opened);
      }
      return true;
    }

    /**
     * A body shorter or longer than its Content-Length, which HTTP/2 makes a malformed response (RFC 9113, 8.1.1)
     * and HttpCore 5.4 does not check: the classic client fails such an HTTP/1.1 body as a premature end.
     */
    private Exception truncated(SimpleHttpResponse response) {
      Header length = response.getFirstHeader("Content-Length");
      int status = response.getCode();
      if (length == null || "HEAD".equalsIgnoreCase(request.getMethod()) || status < 200 || status == 204
          || status == 304) {
        return null;
      }
      long received = response.getBodyBytes() == null ? 0 : response.getBodyBytes().length;
      try {
        long expected = Long.parseLong(length.getValue().trim());
        return expected == received ? null : new ConnectionClosedException("Premature end of Content-Length "
            + "delimited message body (expected: %d; received: %d)", expected, received);
      } catch (NumberFormatException e) {
        return new ProtocolException("Invalid Content-Length: %s", length.getValue());
      }
    }

    private URI uri() {
      return RequestExecutor.uri(request);
    }
  }
}
