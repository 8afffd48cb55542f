package dev.mtls.server.internal.http;

import dev.mtls.pki.material.trust.Verdict;
import dev.mtls.server.Caller;
import dev.mtls.server.ClientIdentity;
import dev.mtls.server.Rejection;
import dev.mtls.server.Responses;
import dev.mtls.server.ServerListener;
import dev.mtls.server.internal.identity.ClientAuthenticator;
import dev.mtls.server.internal.tls.TlsConnection;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RenegotiationRequiredException;
import io.undertow.server.SSLSessionInfo;
import io.undertow.util.AttachmentKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Admits a request only on a trust decision that still holds, and attaches its {@link Caller}.
 *
 * <p>The first request of a connection starts from the verdict its handshake reached; a resumed session, which judged
 * no certificate, starts from none. The decision is kept with the connection and used while it holds (same trust
 * generation, before its end); then the chain is judged again. The streams of an HTTP/2 connection share it: Undertow
 * keeps a stream's attachments on its connection's channel. A chain no longer trusted gets 401 with the reason, its TLS
 * session is invalidated (no resumption) and the connection is ended ({@link ConnectionEnd}): a client whose
 * certificate expires, is revoked or whose CRL goes stale loses even the connections and sessions it already has. The
 * roles are the role rules' answer at this request (the rules are reloadable).
 */
final class DirectClientHandler implements HttpHandler {
  private static final AttachmentKey<Admitted> ADMITTED = AttachmentKey.create(Admitted.class);

  /** The verdict a connection is admitted on now, and the identity of its leaf. */
  private record Admitted(Verdict verdict, ClientIdentity identity) {}

  private final HttpHandler next;
  private final ClientAuthenticator authenticator;
  private final ServerListener listener;
  private final Clock clock;

  DirectClientHandler(HttpHandler next, ClientAuthenticator authenticator, ServerListener listener, Clock clock) {
    this.next = Objects.requireNonNull(next, "next == null");
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator == null");
    this.listener = Objects.requireNonNull(listener, "listener == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    SSLSessionInfo info = exchange.getConnection().getSslSessionInfo();
    List<X509Certificate> chain = info == null ? List.of() : peerChain(info);
    if (chain.isEmpty()) {
      Responses.text(exchange, 401, "This server identifies clients by their TLS certificate, and your client"
          + " did not present one. Configure a client certificate issued by a CA this server trusts and retry.");
      return;
    }
    SSLSession session = info.getSSLSession();
    TlsConnection connection = session instanceof TlsConnection tls ? tls : null;
    boolean resumed = connection != null && connection.resumed();
    Admitted admitted = exchange.getConnection().getAttachment(ADMITTED);
    Verdict known = admitted != null ? admitted.verdict()
        : connection == null ? null : connection.admittedOn().orElse(null);
    if (exchange.isInIoThread() && authenticator.mayWait(known)) {
      // Judging the chain again may wait for a revocation answer: on a worker thread, not an I/O thread.
      exchange.dispatch(this);
      return;
    }
    Verdict verdict = authenticator.verdict(chain, known);
    if (!verdict.isTrusted()) {
      refuse(exchange, session, verdict, resumed);
      return;
    }
    if (admitted == null || admitted.verdict() != verdict) {
      boolean sameLeaf = admitted != null && admitted.verdict().path().get(0).equals(verdict.path().get(0));
      admitted = new Admitted(verdict, sameLeaf ? admitted.identity() : ClientAuthenticator.identityOf(verdict));
      exchange.getConnection().putAttachment(ADMITTED, admitted);
    }
    exchange.putAttachment(Caller.KEY, authenticator.caller(verdict, admitted.identity(), resumed, null));
    next.handleRequest(exchange);
  }

  private void refuse(HttpServerExchange exchange, SSLSession session, Verdict verdict, boolean resumed) {
    listener.refused(new Rejection(PeerAddress.of(exchange), verdict, Rejection.Stage.OPEN_CONNECTION, resumed,
        clock.instant()));
    // No resumption of a session whose client is no longer trusted, and no further request on this connection.
    session.invalidate();
    exchange.getConnection().removeAttachment(ADMITTED);
    ConnectionEnd.afterResponse(exchange);
    Responses.text(exchange, 401, "Your client certificate is no longer accepted: " + verdict.reason().words() + ": "
        + verdict.sentence() + ". The connection will be closed.");
  }

  private static List<X509Certificate> peerChain(SSLSessionInfo info) {
    try {
      Certificate[] certificates = info.getPeerCertificates();
      if (certificates == null) {
        return List.of();
      }
      return Arrays.stream(certificates).map(X509Certificate.class::cast).toList();
    } catch (SSLPeerUnverifiedException | RenegotiationRequiredException e) {
      return List.of();
    }
  }
}
