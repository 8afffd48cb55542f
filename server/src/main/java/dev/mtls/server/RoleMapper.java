package dev.mtls.server;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

/** Maps a verified client identity to the roles it holds. Knows nothing about HTTP or Undertow. */
@FunctionalInterface
interface RoleMapper {
  /**
   * The roles of {@code identity}, whose path was validated to {@code anchor}, one of the configured
   * {@code anchors}; empty when no rule matches. Never null.
   */
  Set<String> rolesFor(ClientIdentity identity, X509Certificate anchor, List<X509Certificate> anchors);
}
