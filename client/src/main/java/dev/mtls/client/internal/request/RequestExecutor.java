package dev.mtls.client.internal.request;

import dev.mtls.client.CompletedRequest;
import dev.mtls.client.Diagnosis;
import dev.mtls.client.FailedRequest;
import dev.mtls.client.MtlsException;
import dev.mtls.client.MtlsResponse;
import dev.mtls.client.TlsInfo;
import dev.mtls.client.internal.diagnosis.Failures;
import dev.mtls.client.internal.diagnosis.Preflight;
import dev.mtls.client.internal.diagnosis.Situation;
import dev.mtls.client.internal.events.Listeners;
import dev.mtls.client.internal.tls.Generation;
import dev.mtls.client.internal.tls.Handshake;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.net.URIAuthority;

/**
 * One request's way through the client: the pre-flight gate, the pool, the whole response read with what its
 * connection's handshake saw, and the listeners told; or, on any failure, an {@link MtlsException} with its
 * diagnosis.
 */
public final class RequestExecutor {
  private final CloseableHttpClient http;
  private final Supplier<Generation> material;
  private final Preflight preflight;
  private final List<String> protocols;
  private final Listeners listeners;
  private final Clock clock;

  public RequestExecutor(CloseableHttpClient http, Supplier<Generation> material, Preflight preflight,
      List<String> protocols, Listeners listeners, Clock clock) {
    this.http = http;
    this.material = material;
    this.preflight = preflight;
    this.protocols = protocols;
    this.listeners = listeners;
    this.clock = clock;
  }

  public MtlsResponse execute(ClassicHttpRequest request) throws MtlsException {
    URIAuthority authority = request.getAuthority();
    if (!"https".equalsIgnoreCase(request.getScheme()) || authority == null) {
      throw new IllegalArgumentException("not an https URL: " + request.getRequestUri());
    }
    Instant start = clock.instant();
    Diagnosis refusal = preflight.refusal();
    if (refusal != null) {
      throw failed(request, new MtlsException(refusal, null), start);
    }
    HttpClientContext context = HttpClientContext.create();
    MtlsResponse response;
    try {
      response = http.execute(request, context, answer -> read(answer, context));
    } catch (IOException e) {
      int port = authority.getPort() < 0 ? 443 : authority.getPort();
      throw failed(request, new MtlsException(explain(e, authority.getHostName(), port, context), e), start);
    }
    CompletedRequest completed = new CompletedRequest(request.getMethod(), uri(request), response.status(),
        Duration.between(start, clock.instant()), response.tls().newConnection());
    listeners.tell(listener -> listener.completed(completed));
    return response;
  }

  /** Explains {@code failure} of a request to {@code host}; {@code context} (or null) holds its handshake. */
  public Diagnosis explain(Throwable failure, String host, int port, HttpContext context) {
    Generation generation = material.get();
    return Failures.explain(failure, new Situation(host, port, Handshake.ofRequest(context),
        generation.identity() == null ? List.of() : generation.identity().chain(),
        generation.trust() == null ? List.of() : generation.trust().anchors().certificates(), protocols,
        preflight.reportAwaitingStatus()));
  }

  private MtlsException failed(ClassicHttpRequest request, MtlsException failure, Instant start) {
    FailedRequest failed = new FailedRequest(request.getMethod(), uri(request), failure.getDiagnosis(),
        Duration.between(start, clock.instant()));
    listeners.tell(listener -> listener.failed(failed));
    return failure;
  }

  static URI uri(ClassicHttpRequest request) {
    try {
      return request.getUri();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URI: " + request.getRequestUri(), e);
    }
  }

  private static MtlsResponse read(ClassicHttpResponse response, HttpClientContext context) throws IOException {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (Header header : response.getHeaders()) {
      headers.add(Map.entry(header.getName(), header.getValue()));
    }
    HttpEntity entity = response.getEntity();
    byte[] body = entity == null ? new byte[0] : EntityUtils.toByteArray(entity);
    return new MtlsResponse(response.getCode(), headers, body, tlsInfo(context));
  }

  /** The TLS side of a response: from this request's handshake, or from the one that made a reused connection. */
  static TlsInfo tlsInfo(HttpClientContext context) {
    Handshake fresh = Handshake.ofRequest(context);
    SSLSession session = context.getSSLSession();
    Handshake handshake = fresh != null ? fresh : Handshake.ofSession(session);
    String protocol = session == null ? "unknown" : session.getProtocol();
    String cipher = session == null ? "unknown" : session.getCipherSuite();
    if (handshake == null) {
      return new TlsInfo(protocol, cipher, List.of(), false, false, List.of(), List.of(),
          session != null && session.getLocalCertificates() != null);
    }
    return new TlsInfo(protocol, cipher, handshake.serverChain(), fresh != null, handshake.certificateRequested(),
        handshake.acceptedIssuers(), handshake.acceptedKeyTypes(), handshake.certificateSent());
  }
}
