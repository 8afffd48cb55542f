package dev.mtls.server.app;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.SubjectAltName;
import dev.mtls.server.Caller;
import dev.mtls.server.ClientIdentity;
import dev.mtls.server.MtlsServerBuilder;
import dev.mtls.server.ReloadOutcome;
import dev.mtls.server.Responses;
import dev.mtls.server.Roles;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;

/**
 * The demo's routes, registered on the server library like any service's: the identity page ({@code GET /}), the
 * same as JSON ({@code GET /whoami}), a sample API ({@code GET /api/reports}) and an admin action that reloads the
 * material ({@code POST /api/admin/reload}). Everything they show comes from the request's {@link Caller}.
 */
public final class DemoRoutes {
  private DemoRoutes() {}

  /** Registers the demo routes with their default roles; a route rules file may assign others. */
  public static MtlsServerBuilder register(MtlsServerBuilder builder, Supplier<ReloadOutcome> reload) {
    return builder
        .route(Methods.GET, "/", Roles.anyClient(), DemoRoutes::home)
        .route(Methods.GET, "/whoami", Roles.anyClient(), exchange -> Responses.json(exchange, 200, whoami(exchange)))
        .route(Methods.GET, "/api/reports", Roles.anyOf("reader", "admin"), DemoRoutes::reports)
        .route(Methods.POST, "/api/admin/reload", Roles.anyOf("admin"), exchange -> {
          if (exchange.isInIoThread()) {
            exchange.dispatch(e -> Responses.json(e, 200, outcome(reload.get())));
            return;
          }
          Responses.json(exchange, 200, outcome(reload.get()));
        });
  }

  private static Map<String, Object> outcome(ReloadOutcome outcome) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("applied", outcome.applied());
    map.put("refused", outcome.refused());
    return map;
  }

  static Map<String, Object> whoami(HttpServerExchange exchange) {
    Caller caller = Caller.of(exchange);
    ClientIdentity identity = caller.identity();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("subject", identity.subject().toDisplayString());
    List<Map<String, Object>> attributes = new ArrayList<>();
    for (DistinguishedName.Attribute attribute : identity.subject().attributes()) {
      attributes.add(pair("type", attribute.type(), "value", attribute.value()));
    }
    body.put("subjectAttributes", attributes);
    List<Map<String, Object>> altNames = new ArrayList<>();
    for (SubjectAltName name : identity.altNames()) {
      altNames.add(pair("type", name.type().name(), "value", name.value()));
    }
    body.put("altNames", altNames);
    body.put("issuer", identity.issuer().toDisplayString());
    body.put("serial", identity.serialHex());
    body.put("sha256", identity.sha256Fingerprint());
    body.put("notAfter", identity.notAfter().toString());
    body.put("roles", new TreeSet<>(caller.roles()));
    caller.forwardedBy().ifPresent(proxy -> body.put("forwardedBy", pair("subject",
        proxy.subject().toDisplayString(), "serial", proxy.serialHex())));
    java.net.InetSocketAddress peer = exchange.getSourceAddress();
    // Behind a balancer speaking the PROXY protocol, the client it names; else the TCP peer.
    body.put("peer", peer == null || peer.getAddress() == null ? "unknown"
        : peer.getAddress().getHostAddress() + ":" + peer.getPort());
    SSLSession session = exchange.getConnection().getSslSessionInfo().getSSLSession();
    Map<String, Object> tls = new LinkedHashMap<>();
    tls.put("protocol", session.getProtocol());
    tls.put("cipherSuite", session.getCipherSuite());
    tls.put("resumed", caller.resumed());
    body.put("tls", tls);
    return body;
  }

  /** A two-entry JSON object in this order (Map.of has no order). */
  private static Map<String, Object> pair(String key1, Object value1, String key2, Object value2) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put(key1, value1);
    map.put(key2, value2);
    return map;
  }

  private static void home(HttpServerExchange exchange) {
    Map<String, Object> who = whoami(exchange);
    Caller caller = Caller.of(exchange);
    ClientIdentity identity = caller.identity();
    StringBuilder rows = new StringBuilder();
    row(rows, "Subject", identity.subject().toString());
    for (DistinguishedName.Attribute attribute : identity.subject().attributes()) {
      row(rows, "&nbsp;&nbsp;" + Html.escape(attribute.type()), attribute.value(), true);
    }
    for (SubjectAltName name : identity.altNames()) {
      row(rows, "SAN " + name.type(), name.value());
    }
    row(rows, "Issuer", identity.issuer().toString());
    row(rows, "Serial", identity.serialHex());
    row(rows, "SHA-256", identity.sha256Fingerprint());
    row(rows, "Not after", identity.notAfter().toString());
    row(rows, "Roles", String.join(", ", new TreeSet<>(caller.roles())));
    @SuppressWarnings("unchecked")
    Map<String, Object> tls = (Map<String, Object>) who.get("tls");
    row(rows, "TLS", tls.get("protocol") + ", " + tls.get("cipherSuite")
        + (Boolean.TRUE.equals(tls.get("resumed")) ? ", resumed session" : ", full handshake"));
    Responses.html(exchange, 200, """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Who am I? (mTLS)</title>
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
        <style>body{font-family:sans-serif;margin:2em}td,th{text-align:left;padding:.2em .8em;\
        font-family:monospace}</style></head>
        <body>
        <h1>Your client certificate</h1>
        <table>
        %s</table>
        <p>The same as JSON: <a href="/whoami">/whoami</a></p>
        </body>
        </html>
        """.formatted(rows));
  }

  private static void row(StringBuilder rows, String label, String value) {
    row(rows, Html.escape(label), value, true);
  }

  private static void row(StringBuilder rows, String labelHtml, String value, boolean escapeValue) {
    rows.append("<tr><th>").append(labelHtml).append("</th><td>")
        .append(escapeValue ? Html.escape(value) : value).append("</td></tr>\n");
  }

  private static void reports(HttpServerExchange exchange) {
    ClientIdentity identity = Caller.of(exchange).identity();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("requestedBy", identity.subject().toDisplayString());
    body.put("reports", List.of(
        pair("id", 1, "title", "Certificates expiring in 30 days"),
        pair("id", 2, "title", "Refused handshakes by reason")));
    Responses.json(exchange, 200, body);
  }
}
