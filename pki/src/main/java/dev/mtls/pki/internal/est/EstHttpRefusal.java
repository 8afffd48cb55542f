package dev.mtls.pki.internal.est;

/**
 * A refusal as the EST handler answers it: {@code status}, and a plain-text body of the reason's {@code code}, the
 * message and the hint.
 */
public final class EstHttpRefusal extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final String hint;
  private final boolean challenges;

  /** {@code challenges}: the request came without credentials where credentials would do (simpleenroll). */
  public EstHttpRefusal(int status, String code, String message, String hint, boolean challenges) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.hint = hint;
    this.challenges = challenges;
  }

  String code() {
    return code;
  }

  boolean challenges() {
    return challenges;
  }

  int status() {
    return status;
  }

  /** The answer's body: one line naming the reason and saying what was wrong, one saying what to do. */
  String body() {
    return code + ": " + getMessage() + "\n" + hint + "\n";
  }
}
