package dev.mtls.client;

/**
 * An HTTP version: what {@link MtlsClientBuilder#httpVersion} lets the client speak, and what a response came over
 * ({@link MtlsResponse#version()}).
 */
public enum HttpVersion {
  /**
   * HTTP/1.1 only. As the client's setting, the default: a request at a time per connection, through HttpClient's
   * classic client, which costs the least per request for callers that send one request at a time.
   */
  HTTP_1_1,
  /**
   * HTTP/2. As the client's setting: offer {@code h2} then {@code http/1.1} by ALPN and speak what the server picks
   * (HTTP/1.1 when it does not offer h2), through HttpClient's async client; concurrent requests to a server that
   * picked h2 share one connection as streams.
   */
  HTTP_2
}
