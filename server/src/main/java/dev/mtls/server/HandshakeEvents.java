package dev.mtls.server;

import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.trust.CertificateRejectedException;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.Verdict;
import java.time.Clock;
import javax.net.ssl.SSLException;

/**
 * Turns the end of a server handshake into an event: {@link AcceptedHandshake} when it completed; a
 * {@link Rejection} when it failed, with the trust core's verdict when our trust manager refused the client, else what
 * JSSE says (no certificate sent, no common protocol). A client that gave up on us (it does not trust our
 * certificate) is not our refusal: an {@link AbortedHandshake}.
 */
final class HandshakeEvents {
  private final ServerListener listener;
  private final Clock clock;

  HandshakeEvents(ServerListener listener, Clock clock) {
    this.listener = listener;
    this.clock = clock;
  }

  void completed(String peer, String protocol, String cipherSuite, boolean resumed) {
    listener.accepted(new AcceptedHandshake(peer, protocol, cipherSuite, resumed, clock.instant()));
  }

  /** We refused the peer at the TLS level for what it did, not for its certificate. */
  void refused(String peer, Reason reason, String sentence, Rejection.Stage stage) {
    listener.refused(new Rejection(peer, Verdict.refusal(reason, Purpose.CLIENT, sentence), stage, false,
        clock.instant()));
  }

  void failed(String peer, SSLException failure) {
    Verdict verdict = CertificateRejectedException.find(failure);
    if (verdict == null) {
      String message = messages(failure);
      if (message.contains("Empty client certificate chain") || message.contains("Empty certificate chain")) {
        verdict = Verdict.noCertificate(Purpose.CLIENT);
      } else if (message.contains("Received fatal alert")) {
        listener.aborted(new AbortedHandshake(peer, SafeText.escape(message), clock.instant()));
        return;
      } else if (message.contains("protocol") || message.contains("cipher suite")) {
        verdict = Verdict.refusal(Reason.NO_COMMON_PROTOCOL, Purpose.CLIENT, SafeText.escape(message));
      } else {
        verdict = Verdict.refusal(Reason.HANDSHAKE_FAILED, Purpose.CLIENT, SafeText.escape(message));
      }
    }
    listener.refused(new Rejection(peer, verdict, Rejection.Stage.HANDSHAKE, false, clock.instant()));
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
