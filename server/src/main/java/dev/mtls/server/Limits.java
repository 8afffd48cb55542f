package dev.mtls.server;

import java.time.Duration;
import java.util.Objects;

/**
 * What one peer may cost the server: how long it may take, how many connections it may hold, how much it may send.
 * Every limit has a default safe for a server on the open network; a slow or hostile peer runs into one of them and
 * is closed, without holding back the others.
 *
 * @param handshakeTimeout         a TLS handshake must complete within this of the connection's start; behind
 *                                 balancers, a PROXY header within this, then the handshake within this of it
 * @param requestHeaderTimeout     a request's line and headers must arrive within this of its first byte
 *                                 (slowloris)
 * @param idleTimeout              a connection with no traffic (before, between or during requests) is closed
 *                                 after this
 * @param maxConnections           connections open at once; beyond it the server stops accepting until some close
 * @param maxConnectionsPerAddress connections open at once from one client address; beyond it new ones are
 *                                 refused in the handshake
 * @param maxHeaderBytes           request line and headers together
 * @param maxHeaders               number of request headers
 * @param maxRequestBodyBytes      a request body, unless the route says otherwise (413 beyond it)
 * @param http2                    what one HTTP/2 connection may cost beyond its requests
 */
public record Limits(Duration handshakeTimeout, Duration requestHeaderTimeout, Duration idleTimeout,
    int maxConnections, int maxConnectionsPerAddress, int maxHeaderBytes, int maxHeaders, long maxRequestBodyBytes,
    Http2Limits http2) {
  /**
   * The defaults of {@link ServerSettings}: 10 s to handshake and to send the headers, 60 s idle, 4096 connections
   * and 256 per address, 32 KiB in at most 100 headers (nginx allows 4 x 8 KiB per header line), 1 MiB bodies, and
   * {@link Http2Limits#DEFAULTS}.
   */
  public static final Limits DEFAULTS = new Limits(ServerSettings.HANDSHAKE_TIMEOUT.defaultValue(),
      ServerSettings.REQUEST_HEADER_TIMEOUT.defaultValue(), ServerSettings.IDLE_TIMEOUT.defaultValue(),
      ServerSettings.MAX_CONNECTIONS.defaultValue(), ServerSettings.MAX_CONNECTIONS_PER_ADDRESS.defaultValue(),
      Math.toIntExact(ServerSettings.MAX_HEADER_SIZE.defaultValue()), ServerSettings.MAX_HEADERS.defaultValue(),
      ServerSettings.MAX_REQUEST_BODY.defaultValue(), Http2Limits.DEFAULTS);

  /** Checks each limit as its setting in {@link ServerSettings} does. */
  public Limits {
    Objects.requireNonNull(http2, "http2 == null");
    ServerSettings.HANDSHAKE_TIMEOUT.check(handshakeTimeout);
    ServerSettings.REQUEST_HEADER_TIMEOUT.check(requestHeaderTimeout);
    ServerSettings.IDLE_TIMEOUT.check(idleTimeout);
    ServerSettings.MAX_CONNECTIONS.check(maxConnections);
    ServerSettings.MAX_CONNECTIONS_PER_ADDRESS.check(maxConnectionsPerAddress);
    ServerSettings.MAX_HEADER_SIZE.check((long) maxHeaderBytes);
    ServerSettings.MAX_HEADERS.check(maxHeaders);
    ServerSettings.MAX_REQUEST_BODY.check(maxRequestBodyBytes);
  }

  /** These limits, with {@link Http2Limits#DEFAULTS} for HTTP/2. */
  public Limits(Duration handshakeTimeout, Duration requestHeaderTimeout, Duration idleTimeout, int maxConnections,
      int maxConnectionsPerAddress, int maxHeaderBytes, int maxHeaders, long maxRequestBodyBytes) {
    this(handshakeTimeout, requestHeaderTimeout, idleTimeout, maxConnections, maxConnectionsPerAddress,
        maxHeaderBytes, maxHeaders, maxRequestBodyBytes, Http2Limits.DEFAULTS);
  }

  public Limits withHandshakeTimeout(Duration timeout) {
    return new Limits(timeout, requestHeaderTimeout, idleTimeout, maxConnections, maxConnectionsPerAddress,
        maxHeaderBytes, maxHeaders, maxRequestBodyBytes, http2);
  }

  public Limits withRequestHeaderTimeout(Duration timeout) {
    return new Limits(handshakeTimeout, timeout, idleTimeout, maxConnections, maxConnectionsPerAddress,
        maxHeaderBytes, maxHeaders, maxRequestBodyBytes, http2);
  }

  public Limits withIdleTimeout(Duration timeout) {
    return new Limits(handshakeTimeout, requestHeaderTimeout, timeout, maxConnections, maxConnectionsPerAddress,
        maxHeaderBytes, maxHeaders, maxRequestBodyBytes, http2);
  }

  public Limits withMaxConnections(int total, int perAddress) {
    return new Limits(handshakeTimeout, requestHeaderTimeout, idleTimeout, total, perAddress, maxHeaderBytes,
        maxHeaders, maxRequestBodyBytes, http2);
  }

  public Limits withMaxHeaders(int bytes, int count) {
    return new Limits(handshakeTimeout, requestHeaderTimeout, idleTimeout, maxConnections, maxConnectionsPerAddress,
        bytes, count, maxRequestBodyBytes, http2);
  }

  public Limits withMaxRequestBodyBytes(long bytes) {
    return new Limits(handshakeTimeout, requestHeaderTimeout, idleTimeout, maxConnections, maxConnectionsPerAddress,
        maxHeaderBytes, maxHeaders, bytes, http2);
  }

  public Limits withHttp2(Http2Limits limits) {
    return new Limits(handshakeTimeout, requestHeaderTimeout, idleTimeout, maxConnections, maxConnectionsPerAddress,
        maxHeaderBytes, maxHeaders, maxRequestBodyBytes, limits);
  }
}
