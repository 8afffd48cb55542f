package dev.mtls.e2e;

/**
 * The TLS alert our server's TLS stack (JSSE) sends when a client presents no certificate. It changed between
 * the two JDKs this project supports, as measured with curl and openssl s_client: JDK 17 sends
 * {@code bad_certificate} (42) on both versions; Temurin 25 sends TLS 1.3's own {@code certificate_required}
 * (116), and {@code handshake_failure} (40) on TLS 1.2. Which one arrives does not change what the server logs.
 */
record MissingCertificateAlert(String openSslText, int number) {
  private static final boolean NEW_JSSE = Runtime.version().feature() >= 25;

  static MissingCertificateAlert onTls13() {
    return NEW_JSSE ? new MissingCertificateAlert("alert certificate required", 116)
        : new MissingCertificateAlert("alert bad certificate", 42);
  }

  static MissingCertificateAlert onTls12() {
    return NEW_JSSE ? new MissingCertificateAlert("alert handshake failure", 40)
        : new MissingCertificateAlert("alert bad certificate", 42);
  }
}
