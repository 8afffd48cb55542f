package dev.mtls.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.util.Objects;
import java.util.Set;

/** Asks the {@link RoleMapper} for the roles of the identity that {@link ClientIdentityHandler} attached. */
public final class RoleMappingHandler implements HttpHandler {
  private static final AttachmentKey<Granted> ROLES = AttachmentKey.create(Granted.class);

  private record Granted(Set<String> roles) {}

  private final HttpHandler next;
  private final RoleMapper mapper;

  public RoleMappingHandler(HttpHandler next, RoleMapper mapper) {
    this.next = Objects.requireNonNull(next, "next == null");
    this.mapper = Objects.requireNonNull(mapper, "mapper == null");
  }

  /** The roles attached by this handler; empty before it ran. */
  public static Set<String> roles(HttpServerExchange exchange) {
    Granted granted = exchange.getAttachment(ROLES);
    return granted == null ? Set.of() : granted.roles();
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    ClientIdentity identity = ClientIdentityHandler.identity(exchange);
    if (identity == null) {
      throw new IllegalStateException("RoleMappingHandler must run after ClientIdentityHandler");
    }
    exchange.putAttachment(ROLES, new Granted(Set.copyOf(mapper.rolesFor(identity))));
    next.handleRequest(exchange);
  }
}
