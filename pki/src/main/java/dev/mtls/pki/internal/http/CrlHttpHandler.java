package dev.mtls.pki.internal.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * CRLs over HTTP, DER-encoded as {@code application/pkix-crl} (RFC 5280 4.2.1.13, RFC 2585), each at a name below
 * the mount ({@code GET MOUNT/issuing.crl}). Caches may keep one for as long as {@code freshFor} says. Other names get
 * 404, other methods 405, and 503 while no current CRL can be had. The CRL is had on a worker thread: signing a new
 * one writes to disk.
 */
public final class CrlHttpHandler implements HttpHandler {
  private final String mount;
  private final Map<String, Supplier<X509CRL>> crls;
  private final Function<X509CRL, Duration> freshFor;

  /**
   * Serves below {@code mount} each CRL of {@code crls}, by its name ({@code /issuing.crl}), as its supplier gives it
   * at each request; a supplier that throws means none is current.
   */
  public CrlHttpHandler(String mount, Map<String, Supplier<X509CRL>> crls, Function<X509CRL, Duration> freshFor) {
    this.mount = mount.equals("/") ? "" : mount;
    this.crls = Map.copyOf(crls);
    this.freshFor = Objects.requireNonNull(freshFor, "freshFor == null");
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    Supplier<X509CRL> named = crls.get(Replies.rawPath(exchange).substring(mount.length()));
    if (named == null) {
      Replies.status(exchange, 404);
    } else if (!Methods.GET.equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().put(Headers.ALLOW, "GET");
      Replies.status(exchange, 405);
    } else {
      exchange.dispatch((HttpHandler) working -> serve(working, named));
    }
  }

  private void serve(HttpServerExchange exchange, Supplier<X509CRL> named) {
    X509CRL crl;
    try {
      crl = named.get();
    } catch (RuntimeException e) {
      // Another pki command holds the CA's lock, most likely: worth asking again shortly.
      exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "5");
      Replies.status(exchange, 503);
      return;
    }
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "max-age=" + freshFor.apply(crl).toSeconds()
        + ", public, no-transform");
    Replies.send(exchange, "application/pkix-crl", encoded(crl));
  }

  private static byte[] encoded(X509CRL crl) {
    try {
      return crl.getEncoded();
    } catch (CRLException e) {
      throw new AssertionError("a CRL this process signed encodes", e);
    }
  }
}
