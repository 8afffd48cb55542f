package dev.mtls.examples.orders;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** The service's own state: orders in memory, as a stand-in for a database. */
final class Orders {
  private final Map<Long, Order> byId = new ConcurrentSkipListMap<>();
  private final AtomicLong ids = new AtomicLong();

  Order place(String item, int quantity, String placedBy) {
    Order order = new Order(ids.incrementAndGet(), item, quantity, placedBy);
    byId.put(order.id(), order);
    return order;
  }

  Optional<Order> find(long id) {
    return Optional.ofNullable(byId.get(id));
  }

  List<Order> all() {
    return List.copyOf(byId.values());
  }
}
