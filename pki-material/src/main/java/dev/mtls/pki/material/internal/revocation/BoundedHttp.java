package dev.mtls.pki.material.internal.revocation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;

/**
 * One HTTP exchange with a revocation source, bounded in every way a slow or hostile server could stretch it: the
 * connection, each read, the whole exchange and the size of the answer. Redirects are not followed.
 */
final class BoundedHttp {
  private final Duration timeout;

  BoundedHttp(Duration timeout) {
    this.timeout = timeout;
  }

  /** GET {@code uri}; the body, at most {@code limit} bytes. */
  byte[] get(URI uri, int limit) throws IOException {
    return exchange(uri, null, null, limit);
  }

  /** POST {@code body} as {@code contentType} to {@code uri}; the answer's body, at most {@code limit} bytes. */
  byte[] post(URI uri, String contentType, byte[] body, int limit) throws IOException {
    return exchange(uri, contentType, body, limit);
  }

  private byte[] exchange(URI uri, String contentType, byte[] body, int limit) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
    try {
      connection.setConnectTimeout(millis);
      connection.setReadTimeout(millis);
      connection.setInstanceFollowRedirects(false);
      connection.setUseCaches(false);
      if (body != null) {
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", contentType);
        connection.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = connection.getOutputStream()) {
          out.write(body);
        }
      }
      int status = connection.getResponseCode();
      if (status != 200) {
        throw new IOException("answered HTTP " + status);
      }
      long declared = connection.getContentLengthLong();
      if (declared > limit) {
        throw new IOException("announced " + declared + " bytes, more than the " + limit + " accepted");
      }
      try (InputStream in = connection.getInputStream()) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
          out.write(buffer, 0, n);
          if (out.size() > limit) {
            throw new IOException("sent more than the " + limit + " bytes accepted");
          }
          // A server trickling bytes resets each read's timeout; the exchange as a whole still ends.
          if (System.nanoTime() > deadline) {
            throw new IOException("did not finish answering within " + timeout.toMillis() + " ms");
          }
        }
        return out.toByteArray();
      }
    } finally {
      connection.disconnect();
    }
  }
}
