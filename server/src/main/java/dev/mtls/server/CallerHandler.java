package dev.mtls.server;

import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.pki.material.trust.Verdict;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RenegotiationRequiredException;
import io.undertow.server.SSLSessionInfo;
import io.undertow.util.AttachmentKey;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Admits a request only on a trust decision that still holds, and attaches its {@link Caller}.
 *
 * <p>A verdict holds while the trust in service is the same generation (no reload of anchors or CRLs since) and the
 * clock is before the verdict's end (the earliest notAfter of the path, the nextUpdate of the CRLs used). Otherwise
 * the chain is judged again by the trust core, which remembers identical chains, so the first request of a new or
 * resumed connection costs a lookup. A chain no longer trusted gets 401 with the reason, its TLS session is
 * invalidated (no resumption) and the connection is closed: a client whose certificate expires, is revoked or
 * whose CRL goes stale loses even the connections and sessions it already has. The roles are the role rules'
 * answer at this request (the rules are reloadable).
 */
final class CallerHandler implements HttpHandler {
  private static final AttachmentKey<Accepted> ACCEPTED = AttachmentKey.create(Accepted.class);

  /** The verdict a connection was accepted on, and the identity derived from its validated path. */
  private record Accepted(Verdict verdict, ClientIdentity identity) {}

  private final HttpHandler next;
  private final Supplier<Trust> trust;
  private final RoleMapper roles;
  private final Clock clock;
  private final ServerListener listener;

  CallerHandler(HttpHandler next, Supplier<Trust> trust, RoleMapper roles, Clock clock, ServerListener listener) {
    this.next = Objects.requireNonNull(next, "next == null");
    this.trust = Objects.requireNonNull(trust, "trust == null");
    this.roles = Objects.requireNonNull(roles, "roles == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
    this.listener = Objects.requireNonNull(listener, "listener == null");
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
    boolean resumed = session instanceof TlsConnection connection && connection.resumed();
    Trust current = trust.get();
    Instant now = clock.instant();
    Accepted accepted = exchange.getConnection().getAttachment(ACCEPTED);
    if (accepted == null || accepted.verdict().generation() != current.generation()
        || !accepted.verdict().holdsAt(now)) {
      Verdict verdict = current.verify(chain, Purpose.CLIENT, now);
      if (!verdict.isTrusted()) {
        refuse(exchange, session, verdict, resumed, now);
        return;
      }
      boolean sameLeaf = accepted != null && accepted.verdict().path().get(0).equals(verdict.path().get(0));
      accepted = new Accepted(verdict, sameLeaf ? accepted.identity() : ClientIdentity.of(verdict.path().get(0)));
      exchange.getConnection().putAttachment(ACCEPTED, accepted);
    }
    Set<String> granted = roles.rolesFor(accepted.identity(), accepted.verdict().anchor().orElse(null),
        current.anchors().certificates());
    exchange.putAttachment(Caller.KEY, new Caller(accepted.identity(), granted, accepted.verdict(), resumed));
    next.handleRequest(exchange);
  }

  private void refuse(HttpServerExchange exchange, SSLSession session, Verdict verdict, boolean resumed,
      Instant now) {
    listener.refused(new Rejection(peer(exchange), verdict, Rejection.Stage.OPEN_CONNECTION, resumed, now));
    // No resumption of a session whose client is no longer trusted, and no further request on this connection.
    session.invalidate();
    exchange.getConnection().removeAttachment(ACCEPTED);
    exchange.setPersistent(false);
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

  static String peer(HttpServerExchange exchange) {
    InetSocketAddress address = exchange.getSourceAddress();
    if (address == null) {
      return "(unknown peer)";
    }
    String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
