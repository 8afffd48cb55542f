package dev.mtls.client.internal.events;

import dev.mtls.client.ClientHandshake;
import dev.mtls.client.ClientListener;
import dev.mtls.client.internal.tls.Handshake;
import dev.mtls.pki.material.reload.MaterialEvent;
import dev.mtls.pki.material.renewal.RenewalEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The client's listeners, told each event in turn; one that throws is logged and the others are still told. */
public final class Listeners {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mtls.client");
  private final List<ClientListener> listeners = new ArrayList<>();
  private final ClientLog log = new ClientLog();
  private final boolean othersListen;

  /** The client's log, then {@code added} in order. */
  public Listeners(List<ClientListener> added) {
    listeners.add(log);
    listeners.addAll(added);
    othersListen = !added.isEmpty();
  }

  /**
   * Whether anyone takes completed requests: a listener besides the log, or the log at DEBUG. When nobody does, the
   * event is not made: rebuilding the request's URI for it was 3% of a keep-alive request's CPU.
   */
  public boolean wantCompleted() {
    return othersListen || log.logsCompleted();
  }

  /** Tells of a completed handshake. */
  public void connected(Handshake handshake) {
    Handshake.Completion completion = handshake.completion();
    ClientHandshake event = new ClientHandshake(handshake.host(), handshake.port(), completion.protocol(),
        completion.cipherSuite(), completion.resumed(), completion.serverCertificate(), handshake.serverVerdict(),
        completion.ourCertificate(), handshake.generation(), completion.at());
    tell(listener -> listener.connected(event));
  }

  public void materialChanged(MaterialEvent event) {
    tell(listener -> listener.materialChanged(event));
  }

  public void renewal(RenewalEvent event) {
    tell(listener -> listener.renewal(event));
  }

  public void tell(Consumer<ClientListener> event) {
    for (ClientListener listener : listeners) {
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        LOG.warn("client listener {} failed", listener.getClass().getName(), e);
      }
    }
  }
}
