package dev.mtls.server;

import dev.mtls.pki.material.reload.MaterialEvent;
import dev.mtls.pki.material.renewal.RenewalEvent;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Told what the server does, as typed events, on the thread that did it: every completed handshake, every refused
 * client, every served request, every load and reload of material, every CRL about to run out, every HTTP/2
 * connection ended for abuse. Logging is one
 * listener among others (the server always has it); metrics are another. A listener must be quick; one that throws is logged and does not disturb the server.
 */
public interface ServerListener {
  /** A TLS handshake completed (the client's certificate accepted, or a session resumed). */
  default void accepted(AcceptedHandshake handshake) {}

  /** A client gave up on the handshake (it sent a fatal alert): not our refusal. */
  default void aborted(AbortedHandshake handshake) {}

  /** A client was refused: in the handshake, or at a request on a connection whose trust decision stopped holding. */
  default void refused(Rejection rejection) {}

  /** A request was answered (any status, 401/403/404 included). */
  default void served(ServedRequest request) {}

  /** Material (identity, trust anchors, a CRL file, role or route rules) was loaded, or a replacement refused. */
  default void materialChanged(MaterialEvent event) {}

  /** A CRL in service is in the last quarter of its validity: publish a fresh one before its clients are refused. */
  default void crlRunningOut(CrlRunningOut warning) {}

  /** An HTTP/2 connection was ended (GOAWAY) for a flood, too many streams or a protocol error of its client. */
  default void http2Abuse(Http2Abuse abuse) {}

  /**
   * An attempt to renew the server's certificate ({@link MtlsServerBuilder#renewFrom}) started, renewed it, or
   * failed; told on the renewal's own thread.
   */
  default void renewal(RenewalEvent event) {}

  /**
   * A listener that hands every event, whatever its type, to {@code events}: an event bus, a queue, a test's
   * recorder. The types are {@link AcceptedHandshake}, {@link AbortedHandshake}, {@link Rejection},
   * {@link ServedRequest}, {@link MaterialEvent}, {@link CrlRunningOut}, {@link Http2Abuse} and
   * {@link RenewalEvent}.
   */
  static ServerListener forwardingTo(Consumer<Object> events) {
    Objects.requireNonNull(events, "events == null");
    return new ServerListener() {
      @Override
      public void accepted(AcceptedHandshake handshake) {
        events.accept(handshake);
      }

      @Override
      public void aborted(AbortedHandshake handshake) {
        events.accept(handshake);
      }

      @Override
      public void refused(Rejection rejection) {
        events.accept(rejection);
      }

      @Override
      public void served(ServedRequest request) {
        events.accept(request);
      }

      @Override
      public void materialChanged(MaterialEvent event) {
        events.accept(event);
      }

      @Override
      public void crlRunningOut(CrlRunningOut warning) {
        events.accept(warning);
      }

      @Override
      public void http2Abuse(Http2Abuse abuse) {
        events.accept(abuse);
      }

      @Override
      public void renewal(RenewalEvent event) {
        events.accept(event);
      }
    };
  }
}
