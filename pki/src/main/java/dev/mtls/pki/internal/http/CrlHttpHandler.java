package dev.mtls.pki.internal.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
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
 * 404, other methods 405, and 503 while no current CRL can be had.
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
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Supplier<X509CRL> named = crls.get(exchange.getRequestURI().getRawPath().substring(mount.length()));
      if (named == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      X509CRL crl;
      try {
        crl = named.get();
      } catch (RuntimeException e) {
        // Another pki command holds the CA's lock, most likely: worth asking again shortly.
        exchange.getResponseHeaders().set("Retry-After", "5");
        exchange.sendResponseHeaders(503, -1);
        return;
      }
      byte[] der = encoded(crl);
      exchange.getResponseHeaders().set("Content-Type", "application/pkix-crl");
      exchange.getResponseHeaders().set("Cache-Control", "max-age=" + freshFor.apply(crl).toSeconds()
          + ", public, no-transform");
      exchange.sendResponseHeaders(200, der.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(der);
      }
    }
  }

  private static byte[] encoded(X509CRL crl) {
    try {
      return crl.getEncoded();
    } catch (CRLException e) {
      throw new AssertionError("a CRL this process signed encodes", e);
    }
  }
}
