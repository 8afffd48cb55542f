package dev.mtls.client.internal.request;

import java.net.URI;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;

/** The request the client's {@code send} methods make from a method, a URI and a body. */
public final class SimpleRequests {
  private SimpleRequests() {}

  /** {@code method} to {@code uri} with {@code body} ({@code null} for none) of {@code contentType} (default bytes). */
  public static ClassicHttpRequest of(String method, URI uri, byte[] body, String contentType) {
    BasicClassicHttpRequest request = new BasicClassicHttpRequest(method, uri);
    if (body != null) {
      request.setEntity(new ByteArrayEntity(body,
          contentType == null ? ContentType.APPLICATION_OCTET_STREAM : ContentType.parse(contentType)));
    }
    return request;
  }
}
