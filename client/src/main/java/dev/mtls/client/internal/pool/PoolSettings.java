package dev.mtls.client.internal.pool;

import java.time.Duration;

/**
 * How the client's connections are made and kept.
 *
 * @param connectTimeout   time to establish the TCP connection
 * @param handshakeTimeout time for the TLS handshake
 * @param responseTimeout  longest wait for response data (between packets)
 * @param maxConnections   most connections open at once, per server and in total
 * @param userAgent        the User-Agent header
 */
public record PoolSettings(Duration connectTimeout, Duration handshakeTimeout, Duration responseTimeout,
    int maxConnections, String userAgent) {}
