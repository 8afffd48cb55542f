package dev.mtls.server.internal.http;

import dev.mtls.pki.material.Fingerprint;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.Verdict;
import dev.mtls.server.Caller;
import dev.mtls.server.ProxyKeys;
import dev.mtls.server.Rejection;
import dev.mtls.server.Responses;
import dev.mtls.server.ServerListener;
import dev.mtls.server.internal.identity.ClientAuthenticator;
import dev.mtls.server.internal.identity.ForwardedCertificates;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Identity from a trusted TLS-terminating proxy: a request carrying a forwarded client certificate
 * ({@link ForwardedCertificates}) is served as that client only when the connection itself is mTLS, admitted by the
 * trust core like any other, and the verified leaf's public key is one of the pinned proxy keys ({@link ProxyKeys}).
 * Never by name or role: whoever is taken for the proxy can assert any client certificate, and certificates are
 * public. The forwarded chain is judged by the same trust core as a direct client's (path validation, algorithm
 * policy, revocation, expiry); its roles come from the same role rules; the {@link Caller} names the proxy.
 *
 * <p>From anyone else the header is refused with 400, never ignored: a client that sends {@code Client-Cert}
 * directly is trying to be someone else, or is misconfigured, and either way should hear about it. Every refusal is
 * a {@link Rejection} at {@link Rejection.Stage#FORWARDED}.
 */
final class ForwardedClientHandler implements HttpHandler {
  private static final HttpString CLIENT_CERT = HttpString.tryFromString(ForwardedCertificates.CLIENT_CERT);
  private static final HttpString CLIENT_CERT_CHAIN =
      HttpString.tryFromString(ForwardedCertificates.CLIENT_CERT_CHAIN);

  private final HttpHandler next;
  private final ProxyKeys proxies;
  private final List<X509Certificate> intermediates;
  private final ClientAuthenticator authenticator;
  private final ServerListener listener;
  private final Clock clock;

  /** {@code proxies} null: no proxy is trusted. */
  ForwardedClientHandler(HttpHandler next, ProxyKeys proxies, List<X509Certificate> intermediates,
      ClientAuthenticator authenticator, ServerListener listener, Clock clock) {
    this.next = Objects.requireNonNull(next, "next == null");
    this.proxies = proxies;
    this.intermediates = List.copyOf(intermediates);
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator == null");
    this.listener = Objects.requireNonNull(listener, "listener == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    HeaderValues certificate = exchange.getRequestHeaders().get(CLIENT_CERT);
    HeaderValues chain = exchange.getRequestHeaders().get(CLIENT_CERT_CHAIN);
    if (certificate == null && chain == null) {
      next.handleRequest(exchange);
      return;
    }
    Caller direct = Caller.of(exchange);
    String who = "client " + SafeText.escape(direct.identity().subject().toDisplayString());
    // The leaf of the path the trust core validated for this connection, whose key the client proved it holds.
    X509Certificate leaf = direct.verdict().path().get(0);
    if (proxies == null || !proxies.pins(leaf)) {
      refuse(exchange, direct, 400, Verdict.refusal(Reason.NOT_A_TRUSTED_PROXY, Purpose.CLIENT, who
          + " sent a forwarded client certificate (" + ForwardedCertificates.CLIENT_CERT + "), and "
          + (proxies == null ? "no proxy is trusted (trusted-proxy-keys is not set)"
              : "the SHA-256 of its public key, " + Fingerprint.publicKeySha256(leaf)
                  + ", is not one of trusted-proxy-keys")));
      return;
    }
    if ((certificate != null && certificate.size() > 1) || (chain != null && chain.size() > 1)) {
      refuse(exchange, direct, 400, Verdict.refusal(Reason.INVALID_CERTIFICATE, Purpose.CLIENT, "proxy " + who
          + " sent " + ForwardedCertificates.CLIENT_CERT + " or " + ForwardedCertificates.CLIENT_CERT_CHAIN
          + " more than once"));
      return;
    }
    List<X509Certificate> forwarded;
    try {
      forwarded = ForwardedCertificates.read(certificate == null ? null : certificate.getFirst(),
          chain == null ? null : chain.getFirst());
    } catch (ForwardedCertificates.Unreadable e) {
      refuse(exchange, direct, 400, Verdict.refusal(Reason.INVALID_CERTIFICATE, Purpose.CLIENT, "proxy " + who
          + " forwarded a certificate that cannot be read: " + e.getMessage()));
      return;
    }
    if (exchange.isInIoThread() && authenticator.mayWait(null)) {
      // Judging the forwarded chain may wait for a revocation answer: on a worker thread, not an I/O thread.
      exchange.dispatch(this);
      return;
    }
    List<X509Certificate> offered = new ArrayList<>(forwarded);
    // A proxy that forwards the leaf alone (nginx) leaves the path to be completed from configured intermediates.
    intermediates.stream().filter(c -> !offered.contains(c)).forEach(offered::add);
    Verdict verdict = authenticator.verdict(offered, null);
    if (!verdict.isTrusted()) {
      refuse(exchange, direct, 401, verdict);
      return;
    }
    exchange.getRequestHeaders().remove(CLIENT_CERT);
    exchange.getRequestHeaders().remove(CLIENT_CERT_CHAIN);
    exchange.putAttachment(Caller.KEY, authenticator.caller(verdict, ClientAuthenticator.identityOf(verdict),
        direct.resumed(), direct.identity()));
    next.handleRequest(exchange);
  }

  private void refuse(HttpServerExchange exchange, Caller direct, int status, Verdict verdict) {
    listener.refused(new Rejection(PeerAddress.of(exchange), verdict, Rejection.Stage.FORWARDED,
        direct.resumed(), clock.instant()));
    Responses.text(exchange, status, (status == 400 ? "Refused forwarded client certificate: "
        : "The forwarded client certificate is not accepted: ") + verdict.reason().words() + ": "
        + verdict.sentence() + ".");
  }
}
