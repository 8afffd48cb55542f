package dev.mtls.server.internal.http;

import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.protocols.http2.Http2Channel;
import io.undertow.server.ConnectorStatistics;
import io.undertow.server.DelegateOpenListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http2.Http2OpenListener;
import io.undertow.server.protocol.http2.Http2ReceiveListener;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;

/**
 * Serves the TLS connections whose client chose {@code h2} by ALPN, as Undertow's {@link Http2OpenListener} does:
 * an {@link Http2Channel} with the server's options and idle timeout, each stream a request to the handler chain.
 * Unlike Undertow's, which keeps its channels to itself, it puts each connection's {@link Http2Connection} where
 * the connection's streams find it, so a handler can end the connection with a GOAWAY; and it can end them all when
 * the server drains.
 */
final class Http2Listener implements DelegateOpenListener {
  private final ByteBufferPool buffers;
  private final int bufferSize;
  private final Set<Http2Connection> open = ConcurrentHashMap.newKeySet();
  private volatile HttpHandler root;
  private volatile OptionMap options;

  Http2Listener(ByteBufferPool buffers, OptionMap options, HttpHandler root) {
    this.buffers = buffers;
    this.bufferSize = buffers.getBufferSize();
    this.options = options;
    this.root = root;
  }

  @Override
  public void handleEvent(StreamConnection connection, PooledByteBuffer alreadyRead) {
    Http2Channel channel = new Http2Channel(connection, Http2OpenListener.HTTP2, buffers, alreadyRead, false, false,
        options);
    Integer idleTimeout = options.get(UndertowOptions.IDLE_TIMEOUT);
    if (idleTimeout != null && idleTimeout > 0) {
      channel.setIdleTimeout(idleTimeout);
    }
    Http2Connection http2 = new Http2Connection(channel);
    // A stream's connection (Http2ServerConnection) hands its attachments to the channel: every stream sees this.
    channel.putAttachment(Http2Connection.KEY, http2);
    open.add(http2);
    channel.addCloseTask(closed -> open.remove(http2));
    channel.getReceiveSetter().set(new Http2ReceiveListener(root, options, bufferSize, null));
    channel.resumeReceives();
  }

  /** Every open HTTP/2 connection ends once its streams in progress are done ({@link Http2Connection#close()}). */
  void closeAll() {
    open.forEach(Http2Connection::close);
  }

  @Override
  public void handleEvent(StreamConnection connection) {
    handleEvent(connection, null);
  }

  @Override
  public HttpHandler getRootHandler() {
    return root;
  }

  @Override
  public void setRootHandler(HttpHandler root) {
    this.root = root;
  }

  @Override
  public OptionMap getUndertowOptions() {
    return options;
  }

  @Override
  public void setUndertowOptions(OptionMap options) {
    this.options = options;
  }

  @Override
  public ByteBufferPool getBufferPool() {
    return buffers;
  }

  @Override
  public ConnectorStatistics getConnectorStatistics() {
    return null;
  }
}
