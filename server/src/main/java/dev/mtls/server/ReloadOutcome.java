package dev.mtls.server;

import dev.mtls.pki.material.reload.MaterialEvent;
import java.util.List;

/**
 * What one reload did: the material it put in service and the replacements it refused (the old material stays in
 * service for those, and they are tried again at the next poll). Empty when nothing changed.
 */
public record ReloadOutcome(List<MaterialEvent> events) {
  public ReloadOutcome {
    events = List.copyOf(events);
  }

  /** "unit: what was applied", for each applied unit. */
  public List<String> applied() {
    return events.stream().filter(MaterialEvent::applied).map(e -> e.unit() + ": " + e.detail()).toList();
  }

  /** "unit: why it was refused", for each refused unit. */
  public List<String> refused() {
    return events.stream().filter(e -> !e.applied()).map(e -> e.unit() + ": " + e.detail()).toList();
  }

  public boolean changed() {
    return !events.isEmpty();
  }
}
