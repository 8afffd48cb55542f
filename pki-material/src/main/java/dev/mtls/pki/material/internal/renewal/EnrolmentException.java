package dev.mtls.pki.material.internal.renewal;

import dev.mtls.pki.material.renewal.RenewalFailure;
import java.util.Objects;

/** One attempt failed for a typed reason; the message says what happened and what to do. */
public final class EnrolmentException extends Exception {
  private static final long serialVersionUID = 1L;
  private final RenewalFailure reason;

  public EnrolmentException(RenewalFailure reason, String message) {
    this(reason, message, null);
  }

  public EnrolmentException(RenewalFailure reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason == null");
  }

  public RenewalFailure reason() {
    return reason;
  }
}
