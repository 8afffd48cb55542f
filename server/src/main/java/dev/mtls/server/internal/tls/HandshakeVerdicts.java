package dev.mtls.server.internal.tls;

import dev.mtls.pki.material.trust.Verdict;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;

/**
 * Carries the trust core's verdict from the trust manager, which JSSE calls with its own engine in the middle of a
 * handshake, to that engine's connection, which takes it when the handshake ends: the verdict a client was admitted
 * on is the one its requests are served on, not a second decision. An entry lives only while its handshake runs.
 */
final class HandshakeVerdicts {
  private final Map<SSLEngine, Verdict> pending = new ConcurrentHashMap<>();

  /** The trust manager reached {@code verdict} for the connection of {@code engine}. */
  void reached(SSLEngine engine, Verdict verdict) {
    if (engine != null) {
      pending.put(engine, verdict);
    }
  }

  /** The verdict reached for {@code engine}'s connection, or null (a resumed session judges no certificate). */
  Verdict take(SSLEngine engine) {
    return pending.remove(engine);
  }
}
