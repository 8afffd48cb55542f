package dev.mtls.server.internal.http;

import dev.mtls.server.ClientAuthMode;
import dev.mtls.server.Limits;
import dev.mtls.server.internal.h2.Http2Options;
import io.undertow.UndertowOptions;
import java.time.Duration;
import javax.net.ssl.SSLParameters;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.SslClientAuthMode;

/**
 * The Undertow and XNIO options of the HTTPS listener, built once for either kind of listener (direct or behind a
 * balancer): every limit a peer can run into ({@link Limits}), client authentication, and the TLS parameters again,
 * because Undertow applies these to each engine after the context's own.
 *
 * @param server options of the HTTP layer
 * @param socket options of the connections
 * @param http2  whether a client may choose HTTP/2 by ALPN
 */
public record ListenerOptions(OptionMap server, OptionMap socket, boolean http2) {
  public static ListenerOptions of(Limits limits, Duration maxConnectionLifetime, ClientAuthMode clientAuth,
      SSLParameters parameters, boolean http2) {
    // Idle connections get no request to close them after, so the idle timeout also bounds their lifetime.
    OptionMap server = OptionMap.builder()
        // Undertow's switch would also turn an HTTP/1.1 connection into HTTP/2 when it starts with the HTTP/2
        // preface (prior knowledge, RFC 9113 3.3: for cleartext only). Over TLS, HTTP/2 comes by ALPN alone:
        // HttpsListener puts its HTTP/2 listener behind ALPN when http2 is on.
        .set(UndertowOptions.ENABLE_HTTP2, false)
        .set(UndertowOptions.NO_REQUEST_TIMEOUT, millis(min(limits.idleTimeout(), maxConnectionLifetime)))
        .set(UndertowOptions.IDLE_TIMEOUT, millis(limits.idleTimeout()))
        .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, millis(limits.requestHeaderTimeout()))
        .set(UndertowOptions.MAX_HEADER_SIZE, limits.maxHeaderBytes())
        .set(UndertowOptions.MAX_HEADERS, limits.maxHeaders())
        .set(UndertowOptions.MAX_ENTITY_SIZE, limits.maxRequestBodyBytes())
        .addAll(Http2Options.of(limits))
        .getMap();
    OptionMap socket = OptionMap.builder()
        .set(Options.SSL_CLIENT_AUTH_MODE, clientAuth == ClientAuthMode.REQUIRED
            ? SslClientAuthMode.REQUIRED : SslClientAuthMode.REQUESTED)
        .setSequence(Options.SSL_ENABLED_PROTOCOLS, parameters.getProtocols())
        .setSequence(Options.SSL_ENABLED_CIPHER_SUITES, parameters.getCipherSuites())
        // Beyond this many connections the listener stops accepting until a tenth of them have closed.
        .set(Options.CONNECTION_HIGH_WATER, limits.maxConnections())
        .set(Options.CONNECTION_LOW_WATER, limits.maxConnections() * 9 / 10)
        .getMap();
    return new ListenerOptions(server, socket, http2);
  }

  /** What Undertow's builder would add for a listener it opens itself, for one we open ourselves. */
  ListenerOptions forOwnListener() {
    return new ListenerOptions(OptionMap.builder().set(UndertowOptions.BUFFER_PIPELINED_DATA, true).addAll(server)
        .getMap(), OptionMap.builder().addAll(socket).set(Options.TCP_NODELAY, true)
        .set(Options.REUSE_ADDRESSES, true).set(Options.BACKLOG, 1000).getMap(), http2);
  }

  /** At least one second: Undertow treats tiny timeouts as "at once". */
  private static int millis(Duration duration) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1000, duration.toMillis()));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
