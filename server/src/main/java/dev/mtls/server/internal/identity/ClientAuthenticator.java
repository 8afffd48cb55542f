package dev.mtls.server.internal.identity;

import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.pki.material.trust.Verdict;
import dev.mtls.server.Caller;
import dev.mtls.server.ClientIdentity;
import dev.mtls.server.RoleRules;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns a client's certificate chain into a {@link Caller}, the same way for a client that connected itself and for
 * one a trusted proxy forwarded: the trust core's verdict on the chain (the one already reached, while it still
 * holds; else a new one from the trust in service), the identity of the validated path's leaf, and the roles the
 * role rules in service grant it.
 */
public final class ClientAuthenticator {
  private final Supplier<Trust> trust;
  private final Supplier<RoleRules> roleRules;
  private final Clock clock;
  private final SvidWarnings svidWarnings = new SvidWarnings();

  public ClientAuthenticator(Supplier<Trust> trust, Supplier<RoleRules> roleRules, Clock clock) {
    this.trust = Objects.requireNonNull(trust, "trust == null");
    this.roleRules = Objects.requireNonNull(roleRules, "roleRules == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  /**
   * The verdict on {@code chain}: {@code known} (reached earlier for the same chain, or null) while it holds, that is
   * while the trust in service is the one that reached it (no reload of anchors or CRLs since) and the clock is
   * within its validity (notAfter of the path, nextUpdate of the CRLs and OCSP answers used); otherwise the trust in
   * service judges the chain again.
   */
  public Verdict verdict(List<X509Certificate> chain, Verdict known) {
    Trust current = trust.get();
    Instant now = clock.instant();
    if (holds(known, current, now)) {
      return known;
    }
    return current.verify(chain, Purpose.CLIENT, now);
  }

  /**
   * Whether {@link #verdict} may wait on the network: when {@code known} (or null) no longer holds and the trust in
   * service asks an OCSP responder or fetches CRLs. Such a call must not run on an I/O thread.
   */
  public boolean mayWait(Verdict known) {
    Trust current = trust.get();
    return current.revocationSource().isPresent() && !holds(known, current, clock.instant());
  }

  private static boolean holds(Verdict known, Trust current, Instant now) {
    return known != null && known.generation() == current.generation() && known.holdsAt(now);
  }

  /**
   * The caller a trusted verdict admits: {@code identity} (of the verdict's leaf, computed once per connection) with
   * the roles the rules in service grant it now; {@code proxy} names the trusted proxy that forwarded it, or null.
   */
  public Caller caller(Verdict trusted, ClientIdentity identity, boolean resumed, ClientIdentity proxy) {
    if (!trusted.isTrusted()) {
      throw new IllegalArgumentException("not a trusted verdict: " + trusted);
    }
    svidWarnings.check(identity);
    Set<String> roles = roleRules.get().rolesFor(identity, trusted.anchor().orElse(null),
        trust.get().anchors().certificates());
    return new Caller(identity, roles, trusted, resumed, proxy);
  }

  /** The identity of a trusted verdict's leaf. */
  public static ClientIdentity identityOf(Verdict trusted) {
    return ClientIdentity.of(trusted.path().get(0));
  }
}
