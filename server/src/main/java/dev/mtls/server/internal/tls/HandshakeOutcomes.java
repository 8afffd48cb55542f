package dev.mtls.server.internal.tls;

import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.Verdict;
import dev.mtls.server.AbortedHandshake;
import dev.mtls.server.AcceptedHandshake;
import dev.mtls.server.Rejection;
import dev.mtls.server.ServerListener;
import java.time.Clock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Turns the end of a server handshake into an event: {@link AcceptedHandshake} when it completed; a
 * {@link Rejection} when it failed, with the trust core's own verdict when it refused the client's certificate; an
 * {@link AbortedHandshake} when the client gave up on us (most often it does not trust our certificate), which is
 * not our refusal.
 */
final class HandshakeOutcomes {
  private final ServerListener listener;
  private final Clock clock;

  HandshakeOutcomes(ServerListener listener, Clock clock) {
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

  /**
   * The handshake failed with {@code failure}; {@code verdict} is what the trust core decided about the client's
   * certificate in it, or null when it was not asked.
   */
  void failed(String peer, SSLException failure, Verdict verdict) {
    if (verdict != null && !verdict.isTrusted()) {
      listener.refused(new Rejection(peer, verdict, Rejection.Stage.HANDSHAKE, false, clock.instant()));
      return;
    }
    JsseFailure jsse = JsseFailure.of(failure);
    if (jsse.clientAborted()) {
      listener.aborted(new AbortedHandshake(peer, jsse.message(), clock.instant()));
      return;
    }
    listener.refused(new Rejection(peer, jsse.verdict(), Rejection.Stage.HANDSHAKE, false, clock.instant()));
  }

  /**
   * What a handshake the TLS engine ended by itself was about. JSSE says it only in words (there is no type for "the
   * client sent no certificate" or "no common protocol"), and Conscrypt in BoringSSL's reason codes, so this is the
   * one place that reads an engine's message text; anything it does not recognise is a plain handshake failure with
   * the engine's words, escaped.
   */
  private record JsseFailure(Verdict verdict, boolean clientAborted, String message) {
    private static final Pattern BORINGSSL_REASON = Pattern.compile("OPENSSL_internal:([A-Z0-9_]{1,64})");

    static JsseFailure of(SSLException failure) {
      String message = SafeText.escape(messages(failure));
      Matcher boringSsl = BORINGSSL_REASON.matcher(message);
      if (boringSsl.find()) {
        return boringSsl(boringSsl.group(1));
      }
      if (message.contains("Empty client certificate chain") || message.contains("Empty certificate chain")) {
        return new JsseFailure(Verdict.noCertificate(Purpose.CLIENT), false, message);
      }
      if (message.contains("Received fatal alert")) {
        return new JsseFailure(null, true, message);
      }
      if (message.contains("protocol") || message.contains("cipher suite")) {
        return new JsseFailure(Verdict.refusal(Reason.NO_COMMON_PROTOCOL, Purpose.CLIENT, message), false, message);
      }
      return new JsseFailure(Verdict.refusal(Reason.HANDSHAKE_FAILED, Purpose.CLIENT, message), false, message);
    }

    /**
     * Conscrypt's engine says what BoringSSL refused by its reason code ({@code error:...:OPENSSL_internal:CODE}),
     * after a pointer and a source line that mean nothing to an operator: the code is kept, the rest dropped.
     */
    private static JsseFailure boringSsl(String code) {
      String message = "BoringSSL: " + code;
      if (code.equals("PEER_DID_NOT_RETURN_A_CERTIFICATE")) {
        return new JsseFailure(Verdict.noCertificate(Purpose.CLIENT), false, message);
      }
      // An alert received from the peer: it gave up on us (most often it does not trust our certificate).
      if (code.startsWith("SSLV3_ALERT_") || code.startsWith("TLSV1_ALERT_")) {
        return new JsseFailure(null, true, message);
      }
      if (code.equals("UNSUPPORTED_PROTOCOL") || code.equals("NO_SHARED_CIPHER") || code.equals("NO_SHARED_GROUP")
          || code.equals("NO_COMMON_SIGNATURE_ALGORITHMS") || code.equals("WRONG_VERSION_NUMBER")) {
        return new JsseFailure(Verdict.refusal(Reason.NO_COMMON_PROTOCOL, Purpose.CLIENT, message), false, message);
      }
      return new JsseFailure(Verdict.refusal(Reason.HANDSHAKE_FAILED, Purpose.CLIENT, message), false, message);
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
}
