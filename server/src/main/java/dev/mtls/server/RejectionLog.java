package dev.mtls.server;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.trust.Verdict;
import java.security.cert.X509Certificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener every server has for refusals: one WARN line per refused client, saying who and why:
 *
 * <pre>
 * rejected client 127.0.0.1:53122: expired; subject "CN=bob,OU=readers,O=Demo", issuer "CN=Demo Issuing CA"; the client certificate "CN=bob,OU=readers,O=Demo" expired on 2026-11-29T10:00:00Z
 * rejected client 127.0.0.1:53124: no certificate; the client sent no certificate and this server requires one
 * </pre>
 *
 * Undertow reports these failures only at DEBUG. Subject, issuer and sentence come from the peer's certificate and
 * are escaped.
 */
final class RejectionLog implements ServerListener {
  private static final Logger LOG = LoggerFactory.getLogger(RejectionLog.class);

  @Override
  public void aborted(AbortedHandshake handshake) {
    LOG.info("client {} aborted the TLS handshake: {}", handshake.peer(), handshake.alert());
  }

  @Override
  public void refused(Rejection rejection) {
    Verdict verdict = rejection.verdict();
    StringBuilder line = new StringBuilder();
    X509Certificate leaf = verdict.leaf().orElse(null);
    if (leaf != null) {
      line.append("; subject \"").append(DistinguishedName.of(leaf.getSubjectX500Principal()).toDisplayString())
          .append("\", issuer \"").append(DistinguishedName.of(leaf.getIssuerX500Principal()).toDisplayString())
          .append('"');
    }
    line.append("; ").append(verdict.sentence());
    if (rejection.stage() == Rejection.Stage.OPEN_CONNECTION) {
      line.append(rejection.resumed() ? "; on a resumed TLS session, answered 401 and closed"
          : "; on an open connection, answered 401 and closed");
    }
    LOG.warn("rejected client {}: {}{}", rejection.peer(), verdict.reason().words(), line);
  }
}
