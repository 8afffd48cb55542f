package dev.mtls.pki;

/** The CA refused to sign: bad CSR signature, weak key, or a name its policy does not allow. */
public final class RequestRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RequestRefusedException(String message) {
    super(message);
  }
}
