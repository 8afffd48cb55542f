package dev.mtls.testing.h2;

import dev.mtls.testing.tls.TlsProbe;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * Test only: the JDK's {@link HttpClient} over HTTP/2 (ALPN {@code h2}) with a client certificate, trusting servers
 * below a root: a well-behaved h2 peer that owes nothing to the project, many requests on one connection. Tests of
 * modules with a module-info use it from here, so they need not read {@code java.net.http} themselves.
 */
public final class JdkH2Client {
  /** One answer: status, the protocol it came over ({@code HTTP_2}), the body as text. */
  public record Response(int status, String version, String body) {}

  private final HttpClient client;

  private JdkH2Client(HttpClient client) {
    this.client = client;
  }

  /** A client presenting what {@code keyManager} chooses and trusting servers below {@code serverRoot}. */
  public static JdkH2Client of(KeyManager keyManager, X509Certificate serverRoot) {
    try {
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(new KeyManager[] {keyManager}, new TrustManager[] {TlsProbe.trustManager(List.of(serverRoot))},
          new SecureRandom());
      return new JdkH2Client(HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(tls)
          .connectTimeout(Duration.ofSeconds(5)).build());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up a TLS client", e);
    }
  }

  /** GET https://127.0.0.1:{@code port}{@code path}, within 10 s. */
  public Response get(int port, String path) throws IOException, InterruptedException {
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    return new Response(response.statusCode(), response.version().name(), response.body());
  }
}
