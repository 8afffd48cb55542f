package dev.mtls.demo;

import dev.mtls.client.Diagnosis;
import dev.mtls.server.Rejection;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The WHY column, in words made from typed results: the server's request and refusal events, the client's diagnosis.
 */
final class Why {
  private Why() {}

  /** A request the route let through: what the certificate maps to. */
  static String allowed(Collection<String> roles) {
    return "allowed: the certificate maps to roles=" + new TreeSet<>(roles) + "; the route accepts that";
  }

  /** A request the route refused: what it needs against what the certificate maps to. */
  static String forbidden(Collection<String> required, Collection<String> roles) {
    return "forbidden: the route needs one of " + list(required) + ", the certificate maps to " + list(roles);
  }

  /** A refused handshake: the client's diagnosis, then the server's reason when it told one. */
  static List<String> refused(Diagnosis client, Optional<Rejection> server) {
    return List.of("client: " + client.sentence(),
        "server: " + server.map(Rejection::describe).orElse("(it told of no refusal)"));
  }

  /** {@code ["admin","reader"]}: sorted, quoted, as the server's 403 answer lists them. */
  private static String list(Collection<String> roles) {
    return roles.stream().sorted().map(role -> "\"" + role + "\"").collect(Collectors.joining(",", "[", "]"));
  }
}
