package dev.mtls.pki.material.internal.trust;

import dev.mtls.pki.material.trust.Reason;
import java.util.Objects;

/**
 * A step of the trust decision refusing the chain: the reason, the sentence naming the certificate concerned, and
 * that certificate's position in the path (0 = leaf, -1 = none). The {@code Trust} turns it into its verdict.
 */
public record Refusal(Reason reason, String sentence, int index) implements Conclusion {
  public Refusal {
    Objects.requireNonNull(reason, "reason == null");
    Objects.requireNonNull(sentence, "sentence == null");
  }
}
