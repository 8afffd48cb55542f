package dev.mtls.examples.orders;

import java.util.LinkedHashMap;
import java.util.Map;

/** One order, and who placed it: the subject of the client certificate that asked. */
record Order(long id, String item, int quantity, String placedBy) {
  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", id);
    json.put("item", item);
    json.put("quantity", quantity);
    json.put("placedBy", placedBy);
    return json;
  }
}
