package dev.mtls.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one reload did: the material it put in service and the replacements it refused (the old material stays in
 * service for those). Both empty when no file changed.
 */
public record ReloadOutcome(List<String> applied, List<String> refused) {
  public ReloadOutcome {
    applied = List.copyOf(applied);
    refused = List.copyOf(refused);
  }

  public boolean changed() {
    return !applied.isEmpty() || !refused.isEmpty();
  }

  Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("applied", applied);
    map.put("refused", refused);
    return map;
  }
}
