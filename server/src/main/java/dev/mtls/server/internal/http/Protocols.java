package dev.mtls.server.internal.http;

import dev.mtls.server.ServerListener;
import dev.mtls.server.internal.h2.Http2Guard;
import dev.mtls.server.internal.tls.HandshakeDeadline;
import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.AlpnOpenListener;
import io.undertow.server.protocol.http.HttpOpenListener;
import io.undertow.server.protocol.http2.Http2OpenListener;
import java.time.Clock;
import java.time.Duration;
import org.xnio.ChannelListener;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;

/**
 * What the HTTPS port speaks once TLS is up: HTTP/2 ({@code h2}, chosen by ALPN) behind the {@link Http2Guard} when
 * {@link UndertowOptions#ENABLE_HTTP2} is on, and HTTP/1.1. Undertow's builder puts the same parts together but
 * offers no place between TLS and its HTTP/2 channel, so both kinds of listener (direct, behind balancers) use this.
 */
final class Protocols {
  private Protocols() {}

  /** For connections whose TLS handshake completes within {@code handshakeTimeout} ({@link HandshakeDeadline}). */
  static ChannelListener<StreamConnection> of(OptionMap serverOptions, Duration handshakeTimeout, HttpHandler root,
      ServerListener listener, Clock clock) {
    // Undertow's builder's buffers: 16 KiB less room for a TLS record's overhead, direct.
    ByteBufferPool buffers = new DefaultByteBufferPool(true, 16 * 1024 - 20, -1, 4);
    HttpOpenListener http = new HttpOpenListener(buffers, serverOptions);
    http.setRootHandler(root);
    if (!serverOptions.get(UndertowOptions.ENABLE_HTTP2, false)) {
      return HandshakeDeadline.around(http, handshakeTimeout);
    }
    Http2OpenListener http2 = new Http2OpenListener(buffers, serverOptions);
    http2.setRootHandler(root);
    return HandshakeDeadline.around(new AlpnOpenListener(buffers, serverOptions, http)
        .addProtocol(Http2OpenListener.HTTP2, Http2Guard.around(http2, listener, clock), 10), handshakeTimeout);
  }
}
