package dev.mtls.client.trace;

import dev.mtls.pki.material.SafeText;
import java.util.List;

/**
 * The handshake messages of one real connection, in the order the client sent or processed them, as JSSE
 * itself reported them. Empty when the request reused a pooled connection (no handshake happened).
 */
public record HandshakeTrace(List<Step> steps) {
  /** Who sent the message. */
  public enum Direction { CLIENT_TO_SERVER, SERVER_TO_CLIENT }

  /**
   * One message: e.g. {@code Certificate} with the subjects of the certificates it carried, or
   * {@code Alert} with its description ({@code bad_certificate}).
   */
  public record Step(Direction direction, String message, List<String> subjects, String detail) {
    public Step {
      subjects = List.copyOf(subjects);
    }

    String label() {
      StringBuilder out = new StringBuilder(message);
      if (!subjects.isEmpty()) {
        out.append(" [").append(String.join(" <- ", subjects)).append(']');
      }
      if (detail != null && !detail.isEmpty()) {
        out.append(" (").append(detail).append(')');
      }
      return SafeText.escape(out.toString());
    }
  }

  public HandshakeTrace {
    steps = List.copyOf(steps);
  }

  public boolean isEmpty() {
    return steps.isEmpty();
  }

  /** The message names alone, in order: what tests compare. */
  public List<String> messages() {
    return steps.stream().map(Step::message).toList();
  }

  /** One line per message with an arrow showing its direction. */
  public String toText() {
    if (steps.isEmpty()) {
      return "(no handshake on this request: the connection was reused)\n";
    }
    StringBuilder out = new StringBuilder();
    int number = 1;
    for (Step step : steps) {
      String arrow = step.direction() == Direction.CLIENT_TO_SERVER ? "client  --> server" : "client <--  server";
      out.append(String.format("%2d. %s  %s%n", number++, arrow, step.label()));
    }
    return out.toString();
  }

  /** A Mermaid sequence diagram of the same messages. */
  public String toMermaid() {
    StringBuilder out = new StringBuilder("sequenceDiagram\n")
        .append("    participant C as Client\n")
        .append("    participant S as Server\n");
    for (Step step : steps) {
      boolean fatal = step.message().equals("ConnectionFailure")
          || (step.message().equals("Alert") && !"close_notify".equals(step.detail()));
      String arrow = step.direction() == Direction.CLIENT_TO_SERVER
          ? (fatal ? "C-xS" : "C->>S") : (fatal ? "S-xC" : "S->>C");
      // Mermaid treats ';' and '#' specially in message text.
      out.append("    ").append(arrow).append(": ").append(step.label().replace(";", ",").replace("#", "")).append('\n');
    }
    return out.toString();
  }
}
