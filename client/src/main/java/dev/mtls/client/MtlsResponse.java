package dev.mtls.client;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A fully read response.
 *
 * @param status  HTTP status code
 * @param headers response headers in arrival order, as name/value pairs
 * @param body    the body bytes (empty when there was none)
 * @param tls     how the connection was secured
 * @param version the HTTP version the response came over
 */
public record MtlsResponse(int status, List<Map.Entry<String, String>> headers, byte[] body, TlsInfo tls,
    HttpVersion version) {

  public MtlsResponse {
    headers = List.copyOf(headers);
  }

  /** A response that came over HTTP/1.1, as every response of the classic client does. */
  public MtlsResponse(int status, List<Map.Entry<String, String>> headers, byte[] body, TlsInfo tls) {
    this(status, headers, body, tls, HttpVersion.HTTP_1_1);
  }

  /** The body decoded as UTF-8. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The first value of header {@code name} (case-insensitive), or null. */
  public String header(String name) {
    for (Map.Entry<String, String> header : headers) {
      if (header.getKey().equalsIgnoreCase(name)) {
        return header.getValue();
      }
    }
    return null;
  }

  public boolean isSuccess() {
    return status >= 200 && status < 300;
  }
}
