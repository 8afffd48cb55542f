package dev.mtls.examples.orders;

import dev.mtls.server.Caller;
import dev.mtls.server.MtlsServerBuilder;
import dev.mtls.server.Responses;
import dev.mtls.server.Roles;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The service's routes. Each names the roles it needs; the library has already verified the client's certificate,
 * mapped it to roles and refused a caller without one of them (403) before a handler here runs, so a handler only
 * reads {@link Caller#of} to know who asks.
 */
final class OrdersRoutes {
  /** Role needed for every orders route: granted by the service's roles.conf. */
  static final Roles ORDERS = Roles.anyOf("orders");
  private static final long MAX_BODY_BYTES = 4096;

  private final Orders orders;

  OrdersRoutes(Orders orders) {
    this.orders = orders;
  }

  MtlsServerBuilder register(MtlsServerBuilder builder) {
    return builder
        .route(Methods.GET, "/api/orders", ORDERS, this::list)
        .route(Methods.POST, "/api/orders", ORDERS, this::place)
        .route(Methods.GET, "/api/orders/{id}", ORDERS, this::show);
  }

  private void list(HttpServerExchange exchange) {
    List<Map<String, Object>> all = orders.all().stream().map(Order::toJson).toList();
    Responses.json(exchange, 200, Map.of("orders", all));
  }

  /** {@code item=...&quantity=...}, form-encoded, read without blocking the I/O thread. */
  private void place(HttpServerExchange exchange) {
    exchange.setMaxEntitySize(MAX_BODY_BYTES);
    exchange.getRequestReceiver().receiveFullString((done, body) -> {
      Map<String, String> form = form(body);
      String item = form.getOrDefault("item", "").strip();
      int quantity = quantity(form.get("quantity"));
      if (item.isEmpty() || item.length() > 100 || quantity < 1) {
        Responses.json(done, 400, Map.of("error", "give item (1-100 characters) and quantity (1-1000)"));
        return;
      }
      Order order = orders.place(item, quantity, Caller.of(done).identity().subject().toDisplayString());
      done.getResponseHeaders().put(Headers.LOCATION, "/api/orders/" + order.id());
      Responses.json(done, 201, order.toJson());
    }, (failed, error) -> Responses.json(failed, error instanceof RequestTooBigException ? 413 : 400,
        Map.of("error", "could not read the request body")), StandardCharsets.UTF_8);
  }

  private void show(HttpServerExchange exchange) {
    String id = exchange.getQueryParameters().get("id").getFirst();
    orders.find(parseId(id)).ifPresentOrElse(order -> Responses.json(exchange, 200, order.toJson()),
        () -> Responses.json(exchange, 404, Map.of("error", "no such order")));
  }

  private static long parseId(String id) {
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static int quantity(String text) {
    try {
      int quantity = Integer.parseInt(text == null ? "" : text.strip());
      return quantity <= 1000 ? quantity : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new HashMap<>();
    for (String pair : body.split("&")) {
      int equals = pair.indexOf('=');
      if (equals > 0) {
        form.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
      }
    }
    return form;
  }
}
