package dev.mtls.server;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.SubjectAltName;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.SSLSessionInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;

/**
 * The server's endpoints, keyed by "METHOD /path". Which of them are reachable, and by whom, is decided by the
 * {@link RouteRules}; an endpoint without a route is not served.
 */
final class Endpoints {
  private Endpoints() {}

  static Map<String, HttpHandler> all(Supplier<ReloadOutcome> reload) {
    Map<String, HttpHandler> endpoints = new LinkedHashMap<>();
    endpoints.put("GET /", Endpoints::home);
    endpoints.put("GET /whoami", exchange -> Responses.json(exchange, 200, whoami(exchange)));
    endpoints.put("GET /api/reports", Endpoints::reports);
    endpoints.put("POST /api/admin/reload", exchange -> {
      if (exchange.isInIoThread()) {
        exchange.dispatch(e -> Responses.json(e, 200, reload.get().toMap()));
        return;
      }
      Responses.json(exchange, 200, reload.get().toMap());
    });
    return endpoints;
  }

  static Map<String, Object> whoami(HttpServerExchange exchange) {
    ClientIdentity identity = ClientIdentityHandler.identity(exchange);
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
    body.put("roles", new TreeSet<>(RoleMappingHandler.roles(exchange)));
    SSLSessionInfo info = exchange.getConnection().getSslSessionInfo();
    SSLSession session = info.getSSLSession();
    Map<String, Object> tls = new LinkedHashMap<>();
    tls.put("protocol", session.getProtocol());
    tls.put("cipherSuite", session.getCipherSuite());
    tls.put("resumed", session instanceof TlsConnection connection && connection.resumed());
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
    ClientIdentity identity = ClientIdentityHandler.identity(exchange);
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
    row(rows, "Roles", String.join(", ", new TreeSet<>(RoleMappingHandler.roles(exchange))));
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
    ClientIdentity identity = ClientIdentityHandler.identity(exchange);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("requestedBy", identity.subject().toDisplayString());
    body.put("reports", List.of(
        pair("id", 1, "title", "Certificates expiring in 30 days"),
        pair("id", 2, "title", "Refused handshakes by reason")));
    Responses.json(exchange, 200, body);
  }
}
