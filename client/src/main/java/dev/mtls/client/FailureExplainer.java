package dev.mtls.client;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.trust.CertificateRejectedException;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.Verdict;
import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.security.auth.x500.X500Principal;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.NoHttpResponseException;

/**
 * Turns an exception into a {@link Diagnosis}. It combines what the exception says (a TLS alert, a reset)
 * with what {@link HandshakeRecorder} saw: whether the server asked for our certificate, whether we sent it,
 * and why our trust manager refused the server. With TLS 1.3 the server judges our certificate after our
 * handshake has finished, so its refusal reaches us only at the first read, as an alert, a reset, a broken
 * pipe or an empty response; the record is what still lets us name it.
 */
public final class FailureExplainer {
  private static final Pattern ALERT = Pattern.compile("Received fatal alert: ([a-z_]+)");
  private static final int MAX_ANCHORS_SHOWN = 5;

  /** What the explainer knows besides the exception. */
  record Situation(
      String host,
      int port,
      Handshake handshake,
      List<X509Certificate> identityChain,
      List<X509Certificate> trustAnchors,
      List<String> protocols,
      PreflightCheck.Report preflight,
      Instant now) {}

  private FailureExplainer() {}

  /**
   * Explains a failure that happened without a connection, such as loading key material
   * ({@link KeyMaterialException}) or a connection-level exception when nothing else is known.
   */
  public static Diagnosis explain(Throwable failure) {
    return explain(failure, new Situation(null, -1, null, List.of(), List.of(), List.of(), null, Instant.now()));
  }

  static Diagnosis explain(Throwable failure, Situation situation) {
    List<Throwable> chain = causes(failure);
    String technical = technical(chain);
    String where = situation.host() == null ? "the server" : situation.host() + ":" + situation.port();
    Handshake handshake = situation.handshake();

    KeyMaterialException material = find(chain, KeyMaterialException.class);
    if (material != null) {
      String message = String.valueOf(material.getMessage());
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
    if (find(chain, UnknownHostException.class) != null) {
      return new Diagnosis(Diagnosis.Kind.UNKNOWN_HOST, "The host name " + safe(situation.host())
          + " does not resolve.", "Check the spelling of the host and the machine's DNS settings.", technical);
    }
    if (find(chain, ConnectTimeoutException.class) != null
        || (find(chain, ConnectException.class) != null && technical.contains("timed out"))) {
      return new Diagnosis(Diagnosis.Kind.TIMEOUT, "Connecting to " + where + " timed out.",
          "Check that the host is reachable and that no firewall drops the connection.", technical);
    }
    if (find(chain, ConnectException.class) != null) {
      return new Diagnosis(Diagnosis.Kind.CONNECTION_REFUSED, "Nothing is listening on " + where
          + " (connection refused).", "Check the host and port, and that the server is running.", technical);
    }

    Verdict server = handshake == null ? null : handshake.serverVerdict;
    if (server == null) {
      server = CertificateRejectedException.find(failure);
    }
    if (server != null && server.reason() == Reason.HOSTNAME_MISMATCH) {
      return new Diagnosis(Diagnosis.Kind.HOSTNAME_MISMATCH, Reason.HOSTNAME_MISMATCH,
          capitalize(server.sentence()) + ".", Reason.HOSTNAME_MISMATCH.hint(), technical);
    }
    if (server != null && !server.isTrusted()) {
      return serverNotTrusted(server, situation, technical);
    }

    String alert = alert(chain);
    String localMessage = technical.toLowerCase(java.util.Locale.ROOT);
    if ("protocol_version".equals(alert) || "insufficient_security".equals(alert)
        || localMessage.contains("no appropriate protocol") || localMessage.contains("no cipher suites in common")
        || ("handshake_failure".equals(alert) && (handshake == null || handshake.serverChain.isEmpty()))) {
      return new Diagnosis(Diagnosis.Kind.NO_COMMON_PROTOCOL,
          "The client and the server have no TLS version or cipher suite in common.",
          "We offered " + situation.protocols() + " with AEAD suites and forward secrecy only; check --tls-version "
              + "and the server's TLS settings.", technical);
    }

    boolean refused = alert != null || closedOrReset(chain);
    boolean requested = handshake != null && handshake.certificateRequested;
    if ("certificate_required".equals(alert) || (refused && requested && !handshake.certificateSent)) {
      return noClientCertificate(handshake, situation, technical);
    }
    if (refused && requested) {
      return clientCertificateRejected(alert, handshake, situation, technical);
    }

    if (find(chain, SocketTimeoutException.class) != null || find(chain, InterruptedIOException.class) != null) {
      if (handshake != null && !handshake.completed) {
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

  private static Diagnosis noClientCertificate(Handshake handshake, Situation situation, String technical) {
    String hint;
    if (situation.identityChain().isEmpty()) {
      hint = "Configure a client identity (--cert and --key, or --p12).";
    } else if (handshake != null) {
      hint = "Our " + situation.identityChain().get(0).getPublicKey().getAlgorithm() + " key was not offered: the server accepts key types "
          + handshake.acceptedKeyTypes + " from " + issuers(handshake.acceptedIssuers) + ".";
    } else {
      hint = "Check that our key type and issuer are among those the server accepts (-v shows them).";
    }
    return new Diagnosis(Diagnosis.Kind.NO_CLIENT_CERTIFICATE,
        "The server requires a client certificate and none was sent.", hint, technical);
  }

  private static Diagnosis clientCertificateRejected(String alert, Handshake handshake, Situation situation,
      String technical) {
    if (alert == null || alert.equals("certificate_unknown") || alert.equals("bad_certificate")) {
      // No alert (TLS 1.3: the server closed before we read it) or a generic one: what we know ourselves
      // about our certificate and the CAs the server asked for usually names the reason.
      Diagnosis inferred = inferRejection(alert, handshake, situation, technical);
      if (inferred != null) {
        return inferred;
      }
    }
    String reason;
    String hint;
    if (alert == null) {
      reason = "it closed the connection after the handshake without saying why";
      hint = "Check the server's log for the reason (a revoked certificate, for one, shows only there); "
          + "-v shows which CAs the server accepts.";
    } else {
      switch (alert) {
        case "unknown_ca" -> {
          reason = "it does not trust the CA that issued it";
          hint = "Use a certificate from a CA the server trusts (it named " + issuers(handshake.acceptedIssuers)
              + "), or add our CA to the server's trust store.";
        }
        case "certificate_expired" -> {
          reason = "it says the certificate has expired or is not yet valid";
          hint = "Renew the certificate, and check the clocks of both machines.";
        }
        case "certificate_revoked" -> {
          reason = "it says the certificate has been revoked";
          hint = "Get a new certificate; this one is on the CA's revocation list.";
        }
        case "bad_certificate" -> {
          reason = "it calls the certificate bad";
          hint = "Send the full chain (leaf and intermediate), and check that the certificate allows "
              + "clientAuth and was signed by the CA the server trusts.";
        }
        case "unsupported_certificate" -> {
          reason = "it does not accept this kind of certificate";
          hint = "Check the key type and the extended key usage (clientAuth).";
        }
        case "certificate_unknown" -> {
          reason = "it could not validate the certificate";
          hint = "Check that the server trusts our CA, that the chain is complete and that it allows clientAuth.";
        }
        case "access_denied" -> {
          reason = "it accepted the certificate but denies this identity access";
          hint = "Ask the server's operator to allow our subject.";
        }
        case "decrypt_error" -> {
          reason = "our proof of holding the private key did not verify";
          hint = "Check that the key belongs to the certificate.";
        }
        default -> {
          reason = "it sent the alert " + alert;
          hint = "Check the server's log for the reason.";
        }
      }
      reason = reason + " (alert " + alert + ")";
    }
    return new Diagnosis(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED,
        "The server rejected our client certificate: " + reason + ".", hint, technical);
  }

  private static Diagnosis inferRejection(String alert, Handshake handshake, Situation situation,
      String technical) {
    List<X509Certificate> chain = situation.identityChain();
    if (chain.isEmpty()) {
      return null;
    }
    String evidence = alert == null ? "The server closed the connection without an alert"
        : "The server sent only the generic alert " + alert;
    PreflightCheck.Report ours = situation.preflight();
    if (ours != null && ours.blocking()) {
      Verdict verdict = ours.verdict();
      return new Diagnosis(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED, verdict.reason(),
          "The server rejected our client certificate, most likely because " + verdict.sentence() + ".",
          evidence + "; judged with our own trust anchors, our certificate is refused: " + verdict.reason().words()
              + ". " + verdict.reason().hint(), technical);
    }
    List<Principal> accepted = handshake.acceptedIssuers;
    if (!accepted.isEmpty()) {
      boolean known = false;
      for (X509Certificate certificate : chain) {
        known |= accepted.contains(certificate.getIssuerX500Principal())
            || accepted.contains(certificate.getSubjectX500Principal());
      }
      if (!known) {
        return new Diagnosis(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED, Reason.UNTRUSTED_ISSUER,
            "The server rejected our client certificate, most likely because it does not trust the CA that "
                + "issued it.",
            evidence + "; it accepts certificates from " + issuers(accepted) + ", and ours chains to "
                + display(chain.get(chain.size() - 1).getIssuerX500Principal()) + ".", technical);
      }
      // The server names a CA we trust too, yet our own check with that anchor refuses our chain: a CA with the
      // same name but another key, most likely. Our verdict says which certificate.
      boolean sameAnchors = situation.trustAnchors().stream()
          .anyMatch(anchor -> accepted.contains(anchor.getSubjectX500Principal()));
      if (ours != null && ours.verdict().reason() == Reason.UNTRUSTED_ISSUER && sameAnchors) {
        return new Diagnosis(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED, Reason.UNTRUSTED_ISSUER,
            "The server rejected our client certificate, most likely because " + ours.verdict().sentence() + ".",
            evidence + "; it accepts certificates from " + issuers(accepted) + ", which we trust too, and our own"
                + " check with that anchor refuses our chain.", technical);
      }
    }
    return null;
  }

  private static Diagnosis serverNotTrusted(Verdict verdict, Situation situation, String technical) {
    List<Principal> anchors = new ArrayList<>();
    for (X509Certificate anchor : situation.trustAnchors()) {
      anchors.add(anchor.getSubjectX500Principal());
    }
    String hint = verdict.reason().hint();
    if (verdict.reason() == Reason.UNTRUSTED_ISSUER) {
      String trusted = anchors.size() > MAX_ANCHORS_SHOWN
          ? "We trust " + anchors.size() + " CAs (a system trust store?), none of which issued it. "
          : "We trust " + issuers(anchors) + ". ";
      hint = (anchors.isEmpty() ? "" : trusted) + "Pass the CA that issued the server's certificate with --cacert.";
    }
    return new Diagnosis(Diagnosis.Kind.SERVER_NOT_TRUSTED, verdict.reason(),
        "We do not trust the server's certificate: " + verdict.reason().words() + ": " + verdict.sentence() + ".",
        hint, technical);
  }

  private static String capitalize(String sentence) {
    return sentence.isEmpty() ? sentence : Character.toUpperCase(sentence.charAt(0)) + sentence.substring(1);
  }

  static String display(X500Principal principal) {
    return DistinguishedName.of(principal).toDisplayString();
  }

  private static String issuers(List<Principal> principals) {
    if (principals.isEmpty()) {
      return "any CA";
    }
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < principals.size() && i < MAX_ANCHORS_SHOWN; i++) {
      Principal principal = principals.get(i);
      shown.add(principal instanceof X500Principal x500 ? display(x500) : SafeText.escape(principal.getName()));
    }
    String list = String.join("; ", shown);
    return principals.size() > MAX_ANCHORS_SHOWN
        ? list + " and " + (principals.size() - MAX_ANCHORS_SHOWN) + " more" : list;
  }

  private static String alert(List<Throwable> chain) {
    for (Throwable cause : chain) {
      Matcher matcher = ALERT.matcher(String.valueOf(cause.getMessage()));
      if (matcher.find()) {
        return matcher.group(1);
      }
    }
    return null;
  }

  /** The ways a TLS 1.3 rejection reaches a client after its handshake: reset, broken pipe, EOF, no response. */
  private static boolean closedOrReset(List<Throwable> chain) {
    for (Throwable cause : chain) {
      if (cause instanceof SocketTimeoutException) {
        continue;
      }
      if (cause instanceof SocketException || cause instanceof EOFException
          || cause instanceof NoHttpResponseException
          || (cause instanceof SSLException && String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT)
              .matches(".*(closed|terminated|reset|broken pipe|end of stream|eof).*"))) {
        return true;
      }
    }
    return false;
  }

  private static List<Throwable> causes(Throwable failure) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable cause = failure; cause != null && !chain.contains(cause); cause = cause.getCause()) {
      if (!(cause instanceof MtlsException)) {
        chain.add(cause);
      }
      for (Throwable suppressed : cause.getSuppressed()) {
        chain.add(suppressed);
      }
    }
    return chain;
  }

  private static String technical(List<Throwable> chain) {
    List<String> lines = new ArrayList<>();
    for (Throwable cause : chain) {
      String line = cause.getClass().getName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
      if (lines.isEmpty() || !lines.get(lines.size() - 1).equals(line)) {
        lines.add(SafeText.escape(line));
      }
    }
    return String.join("\n", lines);
  }

  private static <T extends Throwable> T find(List<Throwable> chain, Class<T> type) {
    for (Throwable cause : chain) {
      if (type.isInstance(cause)) {
        return type.cast(cause);
      }
    }
    return null;
  }

  private static String safe(String text) {
    return SafeText.escape(text);
  }
}
