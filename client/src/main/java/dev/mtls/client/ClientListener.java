package dev.mtls.client;

import dev.mtls.pki.material.reload.MaterialEvent;
import dev.mtls.pki.material.renewal.RenewalEvent;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Told what an {@link MtlsClient} does, synchronously on the thread that did it: handshakes, requests, and each
 * load or reload of our material. Keep it quick; an exception thrown here is logged and otherwise ignored.
 * The client's log (logger {@code dev.mtls.client}) is one listener; metrics or a test's recorder are others.
 */
public interface ClientListener {
  /** A new connection's handshake completed. */
  default void connected(ClientHandshake handshake) {}

  /** A request got a response. */
  default void completed(CompletedRequest request) {}

  /** A request got no response; the diagnosis says why. */
  default void failed(FailedRequest request) {}

  /** Our identity, trust anchors or a CRL file was loaded, reloaded, or a reload was refused. */
  default void materialChanged(MaterialEvent event) {}

  /** An attempt to renew our certificate ({@link MtlsClientBuilder#renewFrom}), on the renewal's own thread. */
  default void renewal(RenewalEvent event) {}

  /**
   * A listener that hands every event, whatever its type, to {@code events}: an event bus, a queue, a test's
   * recorder. The types are {@link ClientHandshake}, {@link CompletedRequest}, {@link FailedRequest},
   * {@link MaterialEvent} and {@link RenewalEvent}.
   */
  static ClientListener forwardingTo(Consumer<Object> events) {
    Objects.requireNonNull(events, "events == null");
    return new ClientListener() {
      @Override
      public void connected(ClientHandshake handshake) {
        events.accept(handshake);
      }

      @Override
      public void completed(CompletedRequest request) {
        events.accept(request);
      }

      @Override
      public void failed(FailedRequest request) {
        events.accept(request);
      }

      @Override
      public void materialChanged(MaterialEvent event) {
        events.accept(event);
      }

      @Override
      public void renewal(RenewalEvent event) {
        events.accept(event);
      }
    };
  }
}
