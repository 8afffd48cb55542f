package dev.mtls.client;

import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * The one place that glues our SSLContext into HttpClient5. It builds HttpClient's own classic strategy
 * (protocols, suites, JSSE host-name check) and wraps it to count handshakes and to record each one into the
 * request's context, where {@link FailureExplainer} finds it if the request fails.
 */
final class TlsSocketAdapter implements TlsSocketStrategy {
  /** Context attribute holding the {@link Handshake} of the connection opened for this request, if any. */
  static final String HANDSHAKE = "dev.mtls.client.handshake";
  /** SSLSession value holding the {@link Handshake} that created the session, for reused connections. */
  static final String SESSION_HANDSHAKE = "dev.mtls.client.handshake";

  private final TlsSocketStrategy delegate;
  private final HandshakeRecorder recorder;
  private final AtomicInteger handshakes = new AtomicInteger();

  TlsSocketAdapter(SSLContext context, List<String> protocols, String[] cipherSuites, HandshakeRecorder recorder) {
    this.delegate = ClientTlsStrategyBuilder.create()
        .setSslContext(context)
        .setTlsVersions(protocols.toArray(new String[0]))
        .setCiphers(cipherSuites)
        // JSSE checks the host name inside the handshake, against the SANs; there is no switch to turn it off.
        .setHostVerificationPolicy(HostnameVerificationPolicy.BUILTIN)
        .buildClassic();
    this.recorder = recorder;
  }

  @Override
  public SSLSocket upgrade(Socket socket, String target, int port, Object attachment, HttpContext context)
      throws IOException {
    Handshake handshake = new Handshake(target, port);
    if (context != null) {
      context.setAttribute(HANDSHAKE, handshake);
    }
    recorder.begin(handshake);
    try {
      SSLSocket upgraded = delegate.upgrade(socket, target, port, attachment, context);
      handshake.completed = true;
      handshakes.incrementAndGet();
      upgraded.getSession().putValue(SESSION_HANDSHAKE, handshake);
      return upgraded;
    } finally {
      recorder.end();
    }
  }

  /** TLS handshakes completed by this client: full ones and resumptions. */
  int handshakes() {
    return handshakes.get();
  }
}
