package dev.mtls.server.internal.http;

import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.DelegateOpenListener;
import io.undertow.server.protocol.http.AlpnOpenListener;
import io.undertow.server.protocol.http2.Http2OpenListener;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.ssl.SslConnection;

/**
 * Hands each TLS connection to the HTTP/2 listener or the HTTP/1.1 one, by the protocol its handshake agreed on by
 * ALPN (the server's engine answers the offer: see {@code internal.tls.ApplicationProtocols}); a client that offered
 * nothing speaks HTTP/1.1. It reads until the handshake is done, and hands over what it read.
 *
 * <p>Undertow's {@link AlpnOpenListener} does the same, but it puts an engine of its own in front of the server's,
 * which holds back a ClientHello until it is complete (so the server's engine cannot enforce its handshake timeout
 * on one that trickles in), and it waits for a connection's first bytes without a deadline. Here a connection whose
 * handshake is not done within the time a client has to send a request ({@link UndertowOptions#NO_REQUEST_TIMEOUT})
 * is closed, as the HTTP/1.1 listener alone would close it.
 */
final class AlpnListener implements ChannelListener<StreamConnection> {
  private final ByteBufferPool buffers;
  private final DelegateOpenListener http2;
  private final DelegateOpenListener http1;
  private final long timeoutMillis;

  AlpnListener(ByteBufferPool buffers, OptionMap options, DelegateOpenListener http2, DelegateOpenListener http1) {
    this.buffers = buffers;
    this.http2 = http2;
    this.http1 = http1;
    this.timeoutMillis = options.get(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000);
  }

  @Override
  public void handleEvent(StreamConnection connection) {
    XnioExecutor.Key timeout = connection.getIoThread().executeAfter(() -> IoUtils.safeClose(connection),
        timeoutMillis, TimeUnit.MILLISECONDS);
    connection.getSourceChannel().setReadListener(source -> read(connection, timeout));
    read(connection, timeout);
  }

  /** Reads (which drives the handshake) until the handshake is done, then hands the connection over. */
  private void read(StreamConnection connection, XnioExecutor.Key timeout) {
    PooledByteBuffer buffer = buffers.allocate();
    try {
      int read = connection.getSourceChannel().read(buffer.getBuffer());
      String protocol = UndertowXnioSsl.getSslEngine((SslConnection) connection).getApplicationProtocol();
      if (read < 0) {
        IoUtils.safeClose(connection);
      } else if (read == 0 && protocol == null) {
        connection.getSourceChannel().resumeReads();
      } else {
        timeout.remove();
        connection.getSourceChannel().getReadSetter().set(null);
        buffer.getBuffer().flip();
        PooledByteBuffer alreadyRead = buffer;
        buffer = null;
        (Http2OpenListener.HTTP2.equals(protocol) ? http2 : http1).handleEvent(connection, alreadyRead);
      }
    } catch (IOException e) {
      IoUtils.safeClose(connection);
    } finally {
      if (buffer != null) {
        buffer.close();
      }
    }
  }
}
