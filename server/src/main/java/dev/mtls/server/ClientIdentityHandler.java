package dev.mtls.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RenegotiationRequiredException;
import io.undertow.server.SSLSessionInfo;
import io.undertow.util.AttachmentKey;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Reads the client's verified certificate chain from the TLS session and attaches its {@link ClientIdentity}. The
 * identity is computed once per TLS session and cached on it. Without a client certificate (possible only in
 * {@link ClientAuthMode#REQUESTED} mode) it answers 401 with a plain explanation.
 *
 * <p>A session validated before the trust anchors or CRLs were reloaded is validated again, once, against the new
 * material: so a revoked client loses even the connections and resumable sessions it already has.
 */
public final class ClientIdentityHandler implements HttpHandler {
  private static final AttachmentKey<ClientIdentity> IDENTITY = AttachmentKey.create(ClientIdentity.class);
  private static final String SESSION_KEY = "dev.mtls.server.client-identity";

  private record Cached(ClientIdentity identity, long generation) {}

  private final HttpHandler next;
  private final ReloadingTrustManager trust;

  public ClientIdentityHandler(HttpHandler next, ReloadingTrustManager trust) {
    this.next = Objects.requireNonNull(next, "next == null");
    this.trust = Objects.requireNonNull(trust, "trust == null");
  }

  /** The identity attached by this handler; null before it ran or when it refused the request. */
  public static ClientIdentity identity(HttpServerExchange exchange) {
    return exchange.getAttachment(IDENTITY);
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    SSLSessionInfo info = exchange.getConnection().getSslSessionInfo();
    X509Certificate[] chain = info == null ? null : peerChain(info);
    if (chain == null) {
      Responses.text(exchange, 401, "This server identifies clients by their TLS certificate, and your client"
          + " did not present one. Configure a client certificate issued by a CA this server trusts and retry.");
      return;
    }
    SSLSession session = info.getSSLSession();
    long generation = trust.generation();
    Cached cached = (Cached) session.getValue(SESSION_KEY);
    if (cached == null || cached.generation() != generation) {
      Object validated = session.getValue(ReloadingTrustManager.VALIDATED_GENERATION);
      if (!(validated instanceof Long value && value == generation)) {
        try {
          trust.revalidate(chain);
        } catch (CertificateRejectedException e) {
          RejectionLog.rejected(peer(exchange), e.reason(), e.certificate(),
              (e.detail() == null ? "" : e.detail() + "; ") + "this connection was accepted before a reload");
          session.invalidate();
          exchange.setPersistent(false);
          Responses.text(exchange, 401, "Your client certificate is no longer accepted (" + e.reason().words()
              + "). The connection will be closed.");
          return;
        }
        session.putValue(ReloadingTrustManager.VALIDATED_GENERATION, generation);
      }
      cached = new Cached(ClientIdentity.of(chain[0]), generation);
      session.putValue(SESSION_KEY, cached);
    }
    exchange.putAttachment(IDENTITY, cached.identity());
    next.handleRequest(exchange);
  }

  private static X509Certificate[] peerChain(SSLSessionInfo info) {
    try {
      Certificate[] certificates = info.getPeerCertificates();
      if (certificates == null || certificates.length == 0) {
        return null;
      }
      X509Certificate[] chain = new X509Certificate[certificates.length];
      for (int i = 0; i < certificates.length; i++) {
        chain[i] = (X509Certificate) certificates[i];
      }
      return chain;
    } catch (SSLPeerUnverifiedException | RenegotiationRequiredException e) {
      return null;
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
