package dev.mtls.server.internal.observe;

import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.reload.MaterialEvent;
import dev.mtls.pki.material.reload.MaterialListener;
import dev.mtls.pki.material.renewal.RenewalEvent;
import dev.mtls.pki.material.renewal.RenewalListener;
import dev.mtls.server.AbortedHandshake;
import dev.mtls.server.AcceptedHandshake;
import dev.mtls.server.CrlRunningOut;
import dev.mtls.server.Http2Abuse;
import dev.mtls.server.Rejection;
import dev.mtls.server.ServedRequest;
import dev.mtls.server.ServerListener;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every listener of a server, told in order; one that throws is logged and skipped, never the server's problem. */
public final class Listeners implements ServerListener, MaterialListener, RenewalListener {
  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

  private final List<ServerListener> listeners;

  public Listeners(List<ServerListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  @Override
  public void accepted(AcceptedHandshake handshake) {
    tell(listener -> listener.accepted(handshake));
  }

  @Override
  public void aborted(AbortedHandshake handshake) {
    tell(listener -> listener.aborted(handshake));
  }

  @Override
  public void refused(Rejection rejection) {
    tell(listener -> listener.refused(rejection));
  }

  @Override
  public void served(ServedRequest request) {
    tell(listener -> listener.served(request));
  }

  @Override
  public void materialChanged(MaterialEvent event) {
    tell(listener -> listener.materialChanged(event));
  }

  @Override
  public void crlRunningOut(CrlRunningOut warning) {
    tell(listener -> listener.crlRunningOut(warning));
  }

  @Override
  public void http2Abuse(Http2Abuse abuse) {
    tell(listener -> listener.http2Abuse(abuse));
  }

  @Override
  public void renewal(RenewalEvent event) {
    tell(listener -> listener.renewal(event));
  }

  @Override
  public void onRenewalEvent(RenewalEvent event) {
    renewal(event);
  }

  @Override
  public void onMaterialEvent(MaterialEvent event) {
    materialChanged(event);
  }

  private void tell(Consumer<ServerListener> event) {
    for (ServerListener listener : listeners) {
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        LOG.warn("listener {} failed: {}", listener.getClass().getName(), SafeText.escape(String.valueOf(e)));
      }
    }
  }
}
