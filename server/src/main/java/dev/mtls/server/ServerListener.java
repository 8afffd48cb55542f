package dev.mtls.server;

import dev.mtls.pki.material.reload.MaterialEvent;

/**
 * Told what the server does, as typed events, on the thread that did it: every completed handshake, every refused
 * client, every served request, every load and reload of material. Logging is one listener among others (the server always has it);
 * metrics are another. A listener must be quick; one that throws is logged and does not disturb the server.
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
}
