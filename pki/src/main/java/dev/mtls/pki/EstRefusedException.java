package dev.mtls.pki;

import java.util.Objects;

/** The CA's EST service refused a request, for a {@link EstRefusal reason} and with a message saying what was wrong. */
public final class EstRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final EstRefusal refusal;

  public EstRefusedException(EstRefusal refusal, String message) {
    super(message);
    this.refusal = Objects.requireNonNull(refusal, "refusal == null");
  }

  public EstRefusal refusal() {
    return refusal;
  }
}
