package dev.mtls.client.internal.events;

import dev.mtls.client.ClientHandshake;
import dev.mtls.client.ClientListener;
import dev.mtls.client.CompletedRequest;
import dev.mtls.client.FailedRequest;
import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.reload.MaterialEvent;
import dev.mtls.pki.material.reload.MaterialLog;
import java.security.cert.X509Certificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's log, as a {@link ClientListener}: failures at WARN, handshakes and requests at DEBUG, reloads as
 * {@link MaterialLog} logs them. Every certificate-derived string is escaped by {@link DistinguishedName} or
 * already escaped in the event; the application picks the backend.
 */
final class ClientLog implements ClientListener {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mtls.client");
  private final MaterialLog materials = new MaterialLog();

  @Override
  public void connected(ClientHandshake handshake) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("connected to {}:{} {} {}{} server \"{}\" as {}", handshake.host(), handshake.port(),
          handshake.protocol(), handshake.cipherSuite(), handshake.resumed() ? " (resumed)" : "",
          subject(handshake.serverCertificate()), handshake.ourCertificate() == null ? "nobody (no certificate sent)"
              : "\"" + subject(handshake.ourCertificate()) + "\" serial "
                  + handshake.ourCertificate().getSerialNumber().toString(16));
    }
  }

  /** Whether {@link #completed} writes anything. */
  boolean logsCompleted() {
    return LOG.isDebugEnabled();
  }

  @Override
  public void completed(CompletedRequest request) {
    LOG.debug("{} {} -> {} in {} ms", request.method(), request.uri(), request.status(),
        request.duration().toMillis());
  }

  @Override
  public void failed(FailedRequest request) {
    LOG.warn("{} {} failed: {} {}", request.method(), request.uri(), request.diagnosis().kind(),
        request.diagnosis().sentence());
  }

  @Override
  public void materialChanged(MaterialEvent event) {
    materials.onMaterialEvent(event);
  }

  private static String subject(X509Certificate certificate) {
    return certificate == null ? "" : DistinguishedName.of(certificate.getSubjectX500Principal()).toDisplayString();
  }
}
