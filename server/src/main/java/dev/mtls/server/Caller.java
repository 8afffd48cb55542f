package dev.mtls.server;

import dev.mtls.pki.material.trust.Verdict;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who is calling: the identity taken from the client's validated certificate path, the roles the role rules grant
 * it, and the trust core's verdict the connection holds. Attached to every exchange that passed the security chain,
 * under {@link #KEY}.
 *
 * <p>Behind a TLS-terminating proxy the caller is the client whose certificate a trusted proxy forwarded
 * (RFC 9440 {@code Client-Cert}), judged by the same trust core; {@link #forwardedBy()} then names the proxy.
 *
 * @param identity the client's identity; every string in it is attacker-chosen, escape it wherever shown
 * @param roles    the roles granted now (role rules are reloadable)
 * @param verdict  the trusted verdict this request was admitted on
 * @param resumed  whether the connection resumed an earlier TLS session
 * @param proxy    the trusted proxy that forwarded the identity, or null when the client connected itself
 */
public record Caller(ClientIdentity identity, Set<String> roles, Verdict verdict, boolean resumed,
    ClientIdentity proxy) {
  /** Where the security chain attaches the caller. */
  public static final AttachmentKey<Caller> KEY = AttachmentKey.create(Caller.class);

  public Caller {
    Objects.requireNonNull(identity, "identity == null");
    roles = Set.copyOf(roles);
    Objects.requireNonNull(verdict, "verdict == null");
  }

  /** A client that connected itself. */
  public Caller(ClientIdentity identity, Set<String> roles, Verdict verdict, boolean resumed) {
    this(identity, roles, verdict, resumed, null);
  }

  /** The trusted proxy that forwarded this caller's certificate, if any. */
  public Optional<ClientIdentity> forwardedBy() {
    return Optional.ofNullable(proxy);
  }

  /** The caller of {@code exchange}; fails when the handler runs outside {@link MtlsServer}'s security chain. */
  public static Caller of(HttpServerExchange exchange) {
    Caller caller = exchange.getAttachment(KEY);
    if (caller == null) {
      throw new IllegalStateException("no caller: this handler is not behind MtlsServer's security chain");
    }
    return caller;
  }

  public boolean hasRole(String role) {
    return roles.contains(role);
  }
}
