package dev.mtls.pki.internal.est;

import dev.mtls.pki.internal.http.Replies;
import io.undertow.io.Receiver;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.SSLSessionInfo;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The EST operations of RFC 7030 under a mount path (such as {@code /.well-known/est}): {@code GET /cacerts},
 * {@code POST /simpleenroll} and {@code POST /simplereenroll} (a base64 PKCS#10 body, {@code application/pkcs10}),
 * {@code GET /csrattrs} (204: the CA decides every attribute itself). Certificates go out as base64 certs-only
 * PKCS#7; refusals as their status with a plain-text body naming the reason. A body over
 * {@link #MAX_REQUEST_BYTES} gets 413 and is not read further; the body is read without blocking and the CA's work
 * is done on a worker thread.
 */
public final class EstHttpHandler implements HttpHandler {
  /** The largest request body: a base64 PKCS#10 request with an RSA 8192-bit key is under 3 KiB. */
  public static final int MAX_REQUEST_BYTES = 16 * 1024;
  private static final String CERTS_ONLY = "application/pkcs7-mime; smime-type=certs-only";
  private static final HttpString TRANSFER_ENCODING = new HttpString("Content-Transfer-Encoding");
  /** The reason of a refusal, also in a header: for clients that read no body, and for the bodiless challenge. */
  public static final HttpString REFUSAL = new HttpString("EST-Refusal");

  private final String mount;
  private final EstOperations est;

  public EstHttpHandler(String mount, EstOperations est) {
    this.mount = Objects.requireNonNull(mount, "mount == null");
    this.est = Objects.requireNonNull(est, "est == null");
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    String operation = Replies.rawPath(exchange).substring(mount.length());
    switch (operation) {
      case "/cacerts" -> ifMethod(exchange, Methods.GET, () -> exchange.dispatch((HttpHandler) working ->
          certificates(working, "application/pkcs7-mime", est.caCertificates())));
      case "/csrattrs" -> ifMethod(exchange, Methods.GET, () -> Replies.status(exchange, 204));
      case "/simpleenroll" -> ifMethod(exchange, Methods.POST, () -> receive(exchange, false));
      case "/simplereenroll" -> ifMethod(exchange, Methods.POST, () -> receive(exchange, true));
      default -> Replies.status(exchange, 404);
    }
  }

  private static void ifMethod(HttpServerExchange exchange, HttpString method, Runnable handle) {
    if (method.equals(exchange.getRequestMethod())) {
      handle.run();
    } else {
      exchange.getResponseHeaders().put(Headers.ALLOW, method.toString());
      Replies.status(exchange, 405);
    }
  }

  private void receive(HttpServerExchange exchange, boolean reenroll) {
    String type = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/pkcs10")) {
      Replies.send(exchange, 415, "text/plain; charset=utf-8", ("MALFORMED_REQUEST: the body must be"
          + " application/pkcs10 (a base64 DER PKCS#10 request)\n").getBytes(StandardCharsets.UTF_8));
      return;
    }
    Receiver body = exchange.getRequestReceiver();
    body.setMaxBufferSize(MAX_REQUEST_BYTES);
    body.receiveFullBytes((done, bytes) -> done.dispatch((HttpHandler) working -> {
      byte[] request = decode(bytes);
      try {
        List<X509Certificate> issued = reenroll ? est.reenroll(request, presented(working))
            : enrollWith(working, request);
        certificates(working, CERTS_ONLY, issued);
      } catch (EstHttpRefusal refusal) {
        refuse(working, refusal);
      }
    }), Replies::unreadable);
  }

  private List<X509Certificate> enrollWith(HttpServerExchange exchange, byte[] request) {
    String authorization = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return est.enroll(request, null, null);
    }
    String credentials;
    try {
      credentials = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return est.enroll(request, null, null);
    }
    int colon = credentials.indexOf(':');
    return colon < 0 ? est.enroll(request, null, null)
        : est.enroll(request, credentials.substring(0, colon), credentials.substring(colon + 1).toCharArray());
  }

  /** The client certificates of the TLS connection, as they came; the CA decides what they are worth. */
  private static List<X509Certificate> presented(HttpServerExchange exchange) {
    SSLSessionInfo session = exchange.getConnection().getSslSessionInfo();
    if (session == null) {
      return List.of();
    }
    List<X509Certificate> chain = new ArrayList<>();
    try {
      for (Certificate certificate : session.getPeerCertificates()) {
        if (certificate instanceof X509Certificate x509) {
          chain.add(x509);
        }
      }
    } catch (Exception e) {
      // None was presented (SSLPeerUnverifiedException): the CA answers that.
      return List.of();
    }
    return chain;
  }

  /** The DER of a base64 body (line breaks allowed); empty when it is not base64, which the CA refuses as such. */
  private static byte[] decode(byte[] base64) {
    try {
      return Base64.getMimeDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }

  private static void certificates(HttpServerExchange exchange, String type, List<X509Certificate> chain) {
    exchange.getResponseHeaders().put(TRANSFER_ENCODING, "base64");
    Replies.send(exchange, type, CertsOnly.base64(chain));
  }

  private static void refuse(HttpServerExchange exchange, EstHttpRefusal refusal) {
    exchange.getResponseHeaders().put(REFUSAL, refusal.code());
    if (refusal.challenges()) {
      // The challenge of RFC 7030 section 3.2.3, which clients answer with credentials: without a body, as
      // BouncyCastle's client reads none there (it fails on one). The reason is in the header above.
      exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Basic realm=\"est\"");
      exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, "0");
      Replies.status(exchange, 401);
      return;
    }
    if (refusal.status() == 401) {
      exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Basic realm=\"est\"");
    } else if (refusal.status() == 503) {
      exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "5");
    }
    Replies.send(exchange, refusal.status(), "text/plain; charset=utf-8",
        refusal.body().getBytes(StandardCharsets.UTF_8));
  }
}
