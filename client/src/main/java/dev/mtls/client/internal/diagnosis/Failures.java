package dev.mtls.client.internal.diagnosis;

import dev.mtls.client.Diagnosis;
import dev.mtls.client.internal.tls.Handshake;
import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.trust.CertificateRejectedException;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.Verdict;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hc.client5.http.ConnectTimeoutException;

/**
 * Turns an exception into a {@link Diagnosis}. It combines what the exception says (a TLS alert, a reset) with what
 * the handshake record saw: whether the server asked for our certificate, whether we sent it, and why our trust
 * manager refused the server. The checks run from the most certain to the least: our own material, the network,
 * our verdict on the server, the protocol, then the server's refusal of our certificate ({@link ClientRefusals}).
 */
public final class Failures {
  private Failures() {}

  public static Diagnosis explain(Throwable failure, Situation situation) {
    Causes causes = new Causes(failure);
    String technical = causes.technical();
    String where = situation.where();
    Handshake handshake = situation.handshake();

    KeyMaterialException material = causes.find(KeyMaterialException.class);
    if (material != null) {
      return material(material, technical);
    }
    if (causes.has(UnknownHostException.class)) {
      return new Diagnosis(Diagnosis.Kind.UNKNOWN_HOST, "The host name " + SafeText.escape(situation.host())
          + " does not resolve.", "Check the spelling of the host and the machine's DNS settings.", technical);
    }
    if (causes.has(ConnectTimeoutException.class)
        || (causes.has(ConnectException.class) && technical.contains("timed out"))) {
      return new Diagnosis(Diagnosis.Kind.TIMEOUT, "Connecting to " + where + " timed out.",
          "Check that the host is reachable and that no firewall drops the connection.", technical);
    }
    if (causes.has(ConnectException.class)) {
      return new Diagnosis(Diagnosis.Kind.CONNECTION_REFUSED, "Nothing is listening on " + where
          + " (connection refused).", "Check the host and port, and that the server is running.", technical);
    }

    Verdict server = handshake == null ? null : handshake.serverVerdict();
    if (server == null) {
      server = CertificateRejectedException.find(failure);
    }
    if (server != null && server.reason() == Reason.HOSTNAME_MISMATCH) {
      return new Diagnosis(Diagnosis.Kind.HOSTNAME_MISMATCH, Reason.HOSTNAME_MISMATCH,
          capitalize(server.sentence()) + ".", Reason.HOSTNAME_MISMATCH.hint(), technical);
    }
    if (server != null && !server.isTrusted()) {
      return serverNotTrusted(server, situation, causes.sentAlert(), technical);
    }

    String alert = causes.alert();
    String localMessage = technical.toLowerCase(Locale.ROOT);
    if ("protocol_version".equals(alert) || "insufficient_security".equals(alert)
        || localMessage.contains("no appropriate protocol") || localMessage.contains("no cipher suites in common")
        || ("handshake_failure".equals(alert) && (handshake == null || handshake.serverChain().isEmpty()))) {
      return new Diagnosis(Diagnosis.Kind.NO_COMMON_PROTOCOL,
          "The client and the server have no TLS version or cipher suite in common.",
          "We offered " + situation.protocols() + " with AEAD suites and forward secrecy only; check --tls-version "
              + "and the server's TLS settings.", technical);
    }

    boolean refused = alert != null || causes.closedOrReset();
    boolean requested = handshake != null && handshake.certificateRequested();
    if ("certificate_required".equals(alert) || (refused && requested && !handshake.certificateSent())) {
      return ClientRefusals.noCertificate(handshake, situation, technical);
    }
    if (refused && requested) {
      return ClientRefusals.rejected(alert, handshake, situation, technical);
    }

    if (causes.has(SocketTimeoutException.class) || causes.has(InterruptedIOException.class)) {
      if (handshake != null && !handshake.completed()) {
        return new Diagnosis(Diagnosis.Kind.TIMEOUT, "The TLS handshake with " + where + " timed out.",
            "Is this a TLS port? A plain-HTTP server waits for a request and never answers a handshake.",
            technical);
      }
      return new Diagnosis(Diagnosis.Kind.TIMEOUT, "The server at " + where + " did not answer in time.",
          "Raise the response timeout or check why the server is slow.", technical);
    }
    if (refused) {
      return new Diagnosis(Diagnosis.Kind.CONNECTION_CLOSED, "The server at " + where
          + " closed the connection without an answer.",
          "Check the server's log; -v shows whether it asked for a client certificate.", technical);
    }
    return new Diagnosis(Diagnosis.Kind.OTHER, "The request to " + where + " failed.",
        "See the cause below.", technical);
  }

  private static Diagnosis material(KeyMaterialException failure, String technical) {
    String message = String.valueOf(failure.getMessage());
    if (message.contains("wrong password")) {
      return new Diagnosis(Diagnosis.Kind.WRONG_PASSWORD, "The keystore or key password is wrong.",
          "Check the password file or environment variable, and that the password belongs to this file.",
          technical);
    }
    if (message.contains("does not match the certificate")) {
      return new Diagnosis(Diagnosis.Kind.KEY_MISMATCH, "The private key does not belong to the certificate.",
          "Pair the certificate with the key it was issued for; compare `openssl x509 -noout -pubkey -in CERT` "
              + "with `openssl pkey -pubout -in KEY`.", technical);
    }
    return new Diagnosis(Diagnosis.Kind.KEY_MATERIAL, "Our key or trust material could not be loaded.",
        "Fix the file named in the cause.", technical);
  }

  /** {@code alert}: the alert we ended the handshake with, when the JDK names it; else null. */
  private static Diagnosis serverNotTrusted(Verdict verdict, Situation situation, String alert, String technical) {
    List<Principal> anchors = new ArrayList<>();
    for (X509Certificate anchor : situation.trustAnchors()) {
      anchors.add(anchor.getSubjectX500Principal());
    }
    String hint = verdict.reason().hint();
    if (verdict.reason() == Reason.UNTRUSTED_ISSUER) {
      String trusted = anchors.size() > Names.MAX_SHOWN
          ? "We trust " + anchors.size() + " CAs (a system trust store?), none of which issued it. "
          : "We trust " + Names.issuers(anchors) + ". ";
      hint = (anchors.isEmpty() ? "" : trusted) + "Pass the CA that issued the server's certificate with --cacert.";
    }
    if (alert != null) {
      hint = hint + " We sent the server the alert " + alert + ".";
    }
    return new Diagnosis(Diagnosis.Kind.SERVER_NOT_TRUSTED, verdict.reason(),
        "We do not trust the server's certificate: " + verdict.reason().words() + ": " + verdict.sentence() + ".",
        hint, technical);
  }

  private static String capitalize(String sentence) {
    return sentence.isEmpty() ? sentence : Character.toUpperCase(sentence.charAt(0)) + sentence.substring(1);
  }
}
