package dev.mtls.server;

import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** The roles a route requires: any one of them suffices; none means any client the trust core accepted. */
public record Roles(Set<String> required) {
  public Roles {
    required = Set.copyOf(Objects.requireNonNull(required, "required == null"));
  }

  /** Any verified client. */
  public static Roles anyClient() {
    return new Roles(Set.of());
  }

  /** A client holding at least one of {@code roles}. */
  public static Roles anyOf(String... roles) {
    if (roles.length == 0) {
      throw new IllegalArgumentException("name at least one role, or use Roles.anyClient()");
    }
    return new Roles(Set.copyOf(Arrays.asList(roles)));
  }

  /** Whether a client holding {@code granted} may call the route. */
  public boolean allow(Set<String> granted) {
    return required.isEmpty() || required.stream().anyMatch(granted::contains);
  }

  @Override
  public String toString() {
    return required.isEmpty() ? "*" : String.join(" ", new TreeSet<>(required));
  }
}
