package dev.mtls.server.testing;

import dev.mtls.server.Caller;
import dev.mtls.server.MtlsServerBuilder;
import dev.mtls.server.Responses;
import dev.mtls.server.Roles;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import javax.net.ssl.SSLSession;

/**
 * The routes the library tests serve, registered as a service registers its own: {@code GET /whoami} (any client)
 * answers the {@link Caller} as JSON; {@code GET /api/reports} needs reader or admin; {@code POST /api/admin/reload}
 * needs admin; {@code GET /api/orders/{id}} needs reader and echoes the id; {@code GET /static/**} is open.
 */
public final class TestRoutes {
  private TestRoutes() {}

  public static MtlsServerBuilder register(MtlsServerBuilder builder) {
    return builder
        .route(Methods.GET, "/whoami", Roles.anyClient(), exchange -> Responses.json(exchange, 200, whoami(exchange)))
        .route(Methods.GET, "/api/reports", Roles.anyOf("reader", "admin"), exchange -> Responses.json(exchange, 200,
            Map.of("requestedBy", Caller.of(exchange).identity().subject().toDisplayString())))
        .route(Methods.POST, "/api/admin/reload", Roles.anyOf("admin"),
            exchange -> Responses.json(exchange, 200, Map.of("done", true)))
        .route(Methods.GET, "/api/orders/{id}", Roles.anyOf("reader"),
            exchange -> Responses.text(exchange, 200, "order " + exchange.getQueryParameters().get("id").getFirst()))
        .route(Methods.GET, "/static/**", Roles.anyClient(), exchange -> Responses.text(exchange, 200, "static"));
  }

  private static Map<String, Object> whoami(HttpServerExchange exchange) {
    Caller caller = Caller.of(exchange);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("subject", caller.identity().subject().toDisplayString());
    body.put("issuer", caller.identity().issuer().toDisplayString());
    body.put("serial", caller.identity().serialHex());
    body.put("roles", new TreeSet<>(caller.roles()));
    caller.forwardedBy().ifPresent(proxy -> body.put("forwardedBy", proxy.subject().toDisplayString()));
    SSLSession session = exchange.getConnection().getSslSessionInfo().getSSLSession();
    Map<String, Object> tls = new LinkedHashMap<>();
    tls.put("protocol", session.getProtocol());
    tls.put("cipherSuite", session.getCipherSuite());
    tls.put("resumed", caller.resumed());
    body.put("tls", tls);
    return body;
  }
}
