package dev.mtls.pki.material.internal.trust;

import dev.mtls.pki.material.trust.StatusCheck;
import java.time.Instant;
import java.util.List;

/**
 * A path the decision accepts: from when until when that holds, what was accepted although it deserves saying, and
 * how each certificate's revocation status was established (sorted by index, 0 = leaf).
 */
public record Accepted(Instant validFrom, Instant validUntil, List<String> notes, List<StatusCheck> checks)
    implements Conclusion {
  public Accepted {
    notes = List.copyOf(notes);
    checks = List.copyOf(checks);
  }
}
