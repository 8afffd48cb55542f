package dev.mtls.server;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.SafeText;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says, once per refused handshake and at WARN, who was refused and why:
 *
 * <pre>
 * rejected client 127.0.0.1:53122: expired; subject "CN=bob,OU=readers,O=Demo", issuer "CN=Demo Issuing CA"; ...
 * rejected client 127.0.0.1:53124: no certificate; the client sent none and this server requires one
 * </pre>
 *
 * Undertow reports these failures only at DEBUG. Subject, issuer and detail are attacker-controlled and escaped.
 */
public final class RejectionLog {
  private static final Logger LOG = LoggerFactory.getLogger(RejectionLog.class);

  private RejectionLog() {}

  /** Logs the failure of a server-side handshake with {@code peer} ("host:port"); ignores other failures. */
  static void handshakeFailed(String peer, SSLException failure) {
    CertificateRejectedException rejected = find(failure);
    if (rejected != null) {
      rejected(peer, rejected.reason(), rejected.certificate(), rejected.detail());
      return;
    }
    String message = messages(failure);
    if (message.contains("Empty client certificate chain") || message.contains("Empty certificate chain")) {
      rejected(peer, RejectionReason.NO_CERTIFICATE, null, null);
    } else if (message.contains("Received fatal alert")) {
      // The client gave up on us (usually: it does not trust our certificate). Not our refusal.
      LOG.info("client {} aborted the TLS handshake: {}", peer, SafeText.escape(message));
    } else if (message.contains("protocol") || message.contains("cipher suite") || message.contains("cipher suites")) {
      rejected(peer, RejectionReason.NO_COMMON_PROTOCOL, null, message);
    } else {
      rejected(peer, RejectionReason.HANDSHAKE_FAILED, null, message);
    }
  }

  static void rejected(String peer, RejectionReason reason, X509Certificate certificate, String detail) {
    if (reason == RejectionReason.NO_CERTIFICATE) {
      LOG.warn("rejected client {}: no certificate; the client sent none and this server requires one", peer);
      return;
    }
    StringBuilder line = new StringBuilder();
    if (certificate != null) {
      line.append("; subject \"").append(DistinguishedName.of(certificate.getSubjectX500Principal()).toDisplayString())
          .append("\", issuer \"")
          .append(DistinguishedName.of(certificate.getIssuerX500Principal()).toDisplayString()).append('"');
    }
    if (detail != null) {
      line.append("; ").append(SafeText.escape(detail));
    }
    LOG.warn("rejected client {}: {}{}", peer, reason.words(), line);
  }

  private static CertificateRejectedException find(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CertificateRejectedException rejected) {
        return rejected;
      }
    }
    return null;
  }

  private static String messages(Throwable failure) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t.getMessage() == null) {
        continue;
      }
      // JDK 24+ prefixes the alert it sends, "(protocol_version) The client ...": one wording on every JDK.
      String message = t.getMessage().replaceFirst("^\\([a-z_]+\\) ", "");
      if (all.indexOf(message) < 0) {
        all.append(all.length() == 0 ? "" : ": ").append(message);
      }
    }
    return all.toString();
  }
}
