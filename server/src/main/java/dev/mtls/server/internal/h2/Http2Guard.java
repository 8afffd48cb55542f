package dev.mtls.server.internal.h2;

import dev.mtls.server.Http2Abuse;
import dev.mtls.server.ServerListener;
import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.protocols.http2.ConnectionErrorException;
import io.undertow.server.ConnectorStatistics;
import io.undertow.server.DelegateOpenListener;
import io.undertow.server.HttpHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;

/**
 * Undertow's HTTP/2 listener with a {@link FrameBudget} on every connection: the frame headers of both directions
 * are read as they pass between TLS and Undertow's HTTP/2 channel ({@link GuardedConduits}), in the conduits
 * Undertow itself stacks for its timeouts. A frame that exceeds the budget never reaches Undertow: the read fails
 * with a connection error, and Undertow answers it as it answers its own, with a GOAWAY carrying that error code,
 * and closes. Undertow's own refusals are seen in the GOAWAY it writes. Either way the listeners get one
 * {@link Http2Abuse} per connection.
 */
public final class Http2Guard implements DelegateOpenListener {
  private final DelegateOpenListener http2;
  private final ServerListener listener;
  private final Clock clock;

  private Http2Guard(DelegateOpenListener http2, ServerListener listener, Clock clock) {
    this.http2 = http2;
    this.listener = listener;
    this.clock = clock;
  }

  /** {@code http2} (Undertow's {@code Http2OpenListener}) with the limits of its options ({@link Http2Options}). */
  public static Http2Guard around(DelegateOpenListener http2, ServerListener listener, Clock clock) {
    return new Http2Guard(http2, listener, clock);
  }

  @Override
  public void handleEvent(StreamConnection connection, PooledByteBuffer alreadyRead) {
    Guarded guarded = new Guarded(connection, budget(http2.getUndertowOptions()));
    connection.getSourceChannel().setConduit(new GuardedConduits.Source(connection.getSourceChannel().getConduit(),
        guarded));
    connection.getSinkChannel().setConduit(new GuardedConduits.Sink(connection.getSinkChannel().getConduit(),
        guarded));
    if (alreadyRead != null) {
      guarded.readAhead(alreadyRead.getBuffer());
    }
    http2.handleEvent(connection, alreadyRead);
  }

  @Override
  public void handleEvent(StreamConnection connection) {
    handleEvent(connection, null);
  }

  private static FrameBudget budget(OptionMap options) {
    int streams = options.get(UndertowOptions.HTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, -1);
    return new FrameBudget(streams > 0 ? streams : Integer.MAX_VALUE,
        options.get(UndertowOptions.HTTP2_SETTINGS_MAX_FRAME_SIZE, 16 * 1024),
        options.get(UndertowOptions.MAX_RST_FRAMES_PER_WINDOW, UndertowOptions.DEFAULT_MAX_RST_FRAMES_PER_WINDOW),
        options.get(Http2Options.MAX_CONTROL_FRAMES, Integer.MAX_VALUE),
        Duration.ofMillis(options.get(UndertowOptions.RST_FRAMES_TIME_WINDOW,
            UndertowOptions.DEFAULT_RST_FRAMES_TIME_WINDOW)), System::nanoTime);
  }

  /** One connection: its two scanners and its budget; says the connection's end once. */
  final class Guarded {
    private final String peer;
    private final FrameBudget budget;
    private final FrameScanner fromClient;
    private final FrameScanner fromServer;
    /** Why reads fail from now on: the client's frames went past the budget. */
    private volatile ConnectionErrorException refused;

    Guarded(StreamConnection connection, FrameBudget budget) {
      this.peer = peer(connection);
      this.budget = budget;
      this.fromClient = new FrameScanner(FrameScanner.CLIENT_PREFACE_LENGTH, (type, flags, stream, length, code) ->
          refuse(budget.fromClient(type, flags, stream, length)));
      this.fromServer = new FrameScanner(0, (type, flags, stream, length, code) -> {
        FrameBudget.Refusal undertows = budget.fromServer(type, flags, stream, code);
        if (undertows != null) {
          report(undertows);
        }
      });
    }

    /** Bytes the client sent, read from TLS, before Undertow parses them. */
    void read(ByteBuffer bytes) throws IOException {
      if (refused != null) {
        throw refused;
      }
      fromClient.scan(bytes);
    }

    /** Bytes read before the connection was Undertow's (by ALPN): a refusal there fails the first read. */
    void readAhead(ByteBuffer bytes) {
      try {
        fromClient.scan(bytes);
      } catch (IOException pending) {
        // refused is set: the first read throws it, before Undertow parses these bytes.
      }
    }

    /** Bytes the server wrote to the client. */
    void written(ByteBuffer bytes) {
      try {
        fromServer.scan(bytes);
      } catch (IOException never) {
        throw new IllegalStateException(never);
      }
    }

    private void refuse(FrameBudget.Refusal refusal) throws ConnectionErrorException {
      if (refusal != null) {
        refused = new ConnectionErrorException(refusal.errorCode(), refusal.reason().words());
        report(refusal);
        throw refused;
      }
    }

    private void report(FrameBudget.Refusal refusal) {
      listener.http2Abuse(new Http2Abuse(peer, refusal.reason(), refusal.errorCode(), refusal.sentence(),
          clock.instant()));
    }
  }

  /** {@code host:port}, an IPv6 host in brackets; behind a balancer, the client the PROXY header named. */
  private static String peer(StreamConnection connection) {
    if (connection.getPeerAddress() instanceof InetSocketAddress inet && inet.getAddress() != null) {
      String host = inet.getAddress().getHostAddress();
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
    return String.valueOf(connection.getPeerAddress());
  }

  @Override
  public HttpHandler getRootHandler() {
    return http2.getRootHandler();
  }

  @Override
  public void setRootHandler(HttpHandler rootHandler) {
    http2.setRootHandler(rootHandler);
  }

  @Override
  public OptionMap getUndertowOptions() {
    return http2.getUndertowOptions();
  }

  @Override
  public void setUndertowOptions(OptionMap options) {
    http2.setUndertowOptions(options);
  }

  @Override
  public ByteBufferPool getBufferPool() {
    return http2.getBufferPool();
  }

  @Override
  public ConnectorStatistics getConnectorStatistics() {
    return http2.getConnectorStatistics();
  }

  @Override
  public void closeConnections() {
    http2.closeConnections();
  }
}
