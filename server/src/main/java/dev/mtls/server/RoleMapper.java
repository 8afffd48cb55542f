package dev.mtls.server;

import java.util.Set;

/** Maps a verified client identity to the roles it holds. Knows nothing about HTTP or Undertow. */
@FunctionalInterface
interface RoleMapper {
  /** The roles of {@code identity}; empty when no rule matches. Never null. */
  Set<String> rolesFor(ClientIdentity identity);
}
