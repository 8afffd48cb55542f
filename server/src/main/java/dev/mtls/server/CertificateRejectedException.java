package dev.mtls.server;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * Thrown by {@link ReloadingTrustManager} when it refuses a client chain. JSSE turns it into a handshake alert
 * and keeps it as the cause, so the handshake's failure can be logged with the reason and the offered subject.
 */
public final class CertificateRejectedException extends CertificateException {
  private static final long serialVersionUID = 1L;

  private final RejectionReason reason;
  private final transient X509Certificate certificate;
  private final String detail;

  CertificateRejectedException(RejectionReason reason, X509Certificate certificate, String detail,
      Throwable cause) {
    super(reason.words() + (detail == null ? "" : ": " + detail), cause);
    this.reason = Objects.requireNonNull(reason, "reason == null");
    this.certificate = certificate;
    this.detail = detail;
  }

  public RejectionReason reason() {
    return reason;
  }

  /** The leaf the client offered; null when it offered none. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The specific problem (which certificate, which date or algorithm), unescaped; may be null. */
  public String detail() {
    return detail;
  }
}
