package dev.mtls.server.internal.http;

import io.undertow.protocols.http2.Http2Channel;
import io.undertow.server.HttpHandler;
import io.undertow.util.AttachmentKey;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HTTP/2 connection as the handler chain sees it: how many of its streams are in progress, and how it ends.
 *
 * <p>An HTTP/2 connection ends with a GOAWAY, and Undertow closes the connection as soon as its GOAWAY is written,
 * cutting the streams still in progress. So {@link #close()} sends it once none of the connection's streams is in
 * progress, or after {@link #GRACE} at the latest (a connection that is never idle still ends). Streams that arrive
 * meanwhile are served as any other; a client sees from the GOAWAY's last stream id which of its streams were not
 * taken, and sends them again on a new connection.
 *
 * <p>Every stream's handler runs first on the connection's I/O thread, where the GOAWAY is also sent: a stream is
 * either counted before the GOAWAY or not taken at all.
 */
final class Http2Connection {
  /** Where a stream's handlers find their connection: Undertow keeps a stream's attachments on its channel. */
  static final AttachmentKey<Http2Connection> KEY = AttachmentKey.create(Http2Connection.class);
  /** As long as the server waits for requests in progress when it stops. */
  static final Duration GRACE = Duration.ofSeconds(10);

  private final Http2Channel channel;
  private final AtomicInteger streams = new AtomicInteger();
  private final AtomicBoolean closing = new AtomicBoolean();

  Http2Connection(Http2Channel channel) {
    this.channel = channel;
  }

  /** {@code next}, with the streams of each HTTP/2 connection counted while they are in progress. */
  static HttpHandler countingStreams(HttpHandler next) {
    return exchange -> {
      Http2Connection connection = exchange.getConnection().getAttachment(KEY);
      if (connection != null) {
        connection.streams.incrementAndGet();
        exchange.addExchangeCompleteListener((done, nextListener) -> {
          try {
            connection.streamEnded();
          } finally {
            nextListener.proceed();
          }
        });
      }
      next.handleRequest(exchange);
    };
  }

  /** Ends the connection: a GOAWAY once none of its streams is in progress, at the latest after {@link #GRACE}. */
  void close() {
    if (closing.compareAndSet(false, true)) {
      channel.getIoThread().executeAfter(this::goAway, GRACE.toMillis(), TimeUnit.MILLISECONDS);
      channel.getIoThread().execute(this::goAwayIfIdle);
    }
  }

  private void streamEnded() {
    if (streams.decrementAndGet() == 0 && closing.get()) {
      channel.getIoThread().execute(this::goAwayIfIdle);
    }
  }

  private void goAwayIfIdle() {
    if (streams.get() == 0) {
      goAway();
    }
  }

  private void goAway() {
    if (channel.isOpen()) {
      channel.sendGoAway(Http2Channel.ERROR_NO_ERROR);
    }
  }
}
