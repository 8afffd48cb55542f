package dev.mtls.pki;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.util.Objects;

/**
 * A {@link CrlPublisher}'s CRLs over HTTP, DER-encoded as {@code application/pkix-crl} (RFC 5280 4.2.1.13, RFC 2585):
 * {@code GET MOUNT/issuing.crl} (the issuing CA's) and {@code GET MOUNT/root.crl} (the root's, which covers the
 * intermediate). Caches may keep one until the publisher would sign its successor, never past its nextUpdate. Other
 * names get 404, other methods 405, and 503 while no current CRL can be signed.
 */
final class CrlHttpHandler implements HttpHandler {
  static final String ISSUING = "/issuing.crl";
  static final String ROOT = "/root.crl";

  private final String mount;
  private final CrlPublisher publisher;

  CrlHttpHandler(String mount, CrlPublisher publisher) {
    this.mount = mount.equals("/") ? "" : mount;
    this.publisher = Objects.requireNonNull(publisher, "publisher == null");
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String name = exchange.getRequestURI().getRawPath().substring(mount.length());
      if (!name.equals(ISSUING) && !name.equals(ROOT)) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      CaDirectory.PublishedCrls crls;
      try {
        crls = publisher.current();
      } catch (RuntimeException e) {
        // Another pki command holds the CA's lock, most likely: worth asking again shortly.
        exchange.getResponseHeaders().set("Retry-After", "5");
        exchange.sendResponseHeaders(503, -1);
        return;
      }
      X509CRL crl = name.equals(ISSUING) ? crls.issuing() : crls.root();
      byte[] der = encoded(crl);
      exchange.getResponseHeaders().set("Content-Type", "application/pkix-crl");
      exchange.getResponseHeaders().set("Cache-Control", "max-age=" + publisher.freshFor(crl).toSeconds()
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
