package dev.mtls.client.internal.tls;

import dev.mtls.pki.material.trust.Trust;
import java.io.IOException;
import java.net.Socket;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * The one place that glues our SSLContext into HttpClient5. It builds HttpClient's own classic strategy
 * (protocols, suites, JSSE host-name check) for the material generation in service, and wraps it to count
 * handshakes, to record each one into the request's context (where the failure explainer finds it if the
 * request fails) and to mark each session with the generation that made it.
 */
final class TlsSocketAdapter implements TlsSocketStrategy {
  private record Current(TlsSocketStrategy strategy, long generation, Trust trust) {}

  private final List<String> protocols;
  private final HandshakeRecorder recorder;
  private final Clock clock;
  private final Consumer<Handshake> completed;
  private final AtomicInteger handshakes = new AtomicInteger();
  private volatile Current current;

  TlsSocketAdapter(List<String> protocols, HandshakeRecorder recorder, Clock clock, Consumer<Handshake> completed) {
    this.protocols = protocols;
    this.recorder = recorder;
    this.clock = clock;
    this.completed = completed;
  }

  /**
   * New connections from now on handshake with the generation's context, and their sessions carry its number; a
   * resumed session's server chain is judged again by its trust (none for a caller's own SSLContext, whose trust
   * manager is not ours to repeat).
   */
  void use(Generation generation) {
    TlsSocketStrategy strategy = Sessions.strategy(generation, protocols).buildClassic();
    current = new Current(strategy, generation.number(), generation.trust());
  }

  @Override
  public SSLSocket upgrade(Socket socket, String target, int port, Object attachment, HttpContext context)
      throws IOException {
    Current now = current;
    Handshake handshake = new Handshake(target, port, now.generation());
    if (context != null) {
      handshake.attachTo(context);
    }
    recorder.begin(handshake);
    SSLSocket upgraded;
    try {
      // JSSE reads each record's header and body apart: through ReadAheadSocket, one system call usually takes both.
      upgraded = now.strategy().upgrade(new ReadAheadSocket(socket), target, port, attachment, context);
    } finally {
      recorder.end();
    }
    SSLSession session = upgraded.getSession();
    boolean resumed = Sessions.complete(handshake, session, clock);
    handshakes.incrementAndGet();
    if (resumed && now.trust() != null) {
      try {
        Sessions.recheckResumed(session, now.trust(), clock);
      } catch (SSLHandshakeException refused) {
        upgraded.close();
        throw refused;
      }
    }
    handshake.attachTo(session);
    completed.accept(handshake);
    return upgraded;
  }

  /** TLS handshakes completed by this client: full ones and resumptions. */
  int handshakes() {
    return handshakes.get();
  }

}
