package dev.mtls.client.internal.diagnosis;

import dev.mtls.client.Diagnosis;
import dev.mtls.client.PreflightCheck;
import dev.mtls.client.internal.tls.Handshake;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.Verdict;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Why the server refused our certificate, or our lack of one. A server names its reason in a TLS alert at best;
 * with TLS 1.3 it judges our certificate after our handshake has finished, so its refusal often reaches us only as
 * a reset or a closed connection. What we know ourselves (our chain judged with our own anchors, the CAs the server
 * asked for) then names the most likely reason.
 */
final class ClientRefusals {
  private ClientRefusals() {}

  /** The server asked for a certificate and we sent none. */
  static Diagnosis noCertificate(Handshake handshake, Situation situation, String technical) {
    String hint;
    if (situation.identityChain().isEmpty()) {
      hint = "Configure a client identity (--cert and --key, or --p12).";
    } else if (handshake != null) {
      hint = "Our " + situation.identityChain().get(0).getPublicKey().getAlgorithm()
          + " key was not offered: the server accepts key types " + handshake.acceptedKeyTypes() + " from "
          + Names.issuers(handshake.acceptedIssuers()) + ".";
    } else {
      hint = "Check that our key type and issuer are among those the server accepts (-v shows them).";
    }
    return new Diagnosis(Diagnosis.Kind.NO_CLIENT_CERTIFICATE,
        "The server requires a client certificate and none was sent.", hint, technical);
  }

  /** We sent our certificate and the server refused it, with {@code alert} or (null) without one. */
  static Diagnosis rejected(String alert, Handshake handshake, Situation situation, String technical) {
    if (alert == null || alert.equals("certificate_unknown") || alert.equals("bad_certificate")) {
      // No alert (TLS 1.3: the server closed before we read it) or a generic one: what we know ourselves
      // about our certificate and the CAs the server asked for usually names the reason.
      Diagnosis inferred = inferred(alert, handshake, situation, technical);
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
          hint = "Use a certificate from a CA the server trusts (it named " + Names.issuers(handshake.acceptedIssuers())
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

  /** The reason our own knowledge points to, or null when it points to none. */
  private static Diagnosis inferred(String alert, Handshake handshake, Situation situation, String technical) {
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
    List<Principal> accepted = handshake.acceptedIssuers();
    if (accepted.isEmpty()) {
      return null;
    }
    boolean known = false;
    for (X509Certificate certificate : chain) {
      known |= accepted.contains(certificate.getIssuerX500Principal())
          || accepted.contains(certificate.getSubjectX500Principal());
    }
    if (!known) {
      return new Diagnosis(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED, Reason.UNTRUSTED_ISSUER,
          "The server rejected our client certificate, most likely because it does not trust the CA that "
              + "issued it.",
          evidence + "; it accepts certificates from " + Names.issuers(accepted) + ", and ours chains to "
              + Names.display(chain.get(chain.size() - 1).getIssuerX500Principal()) + ".", technical);
    }
    // The server names a CA we trust too, yet our own check with that anchor refuses our chain: a CA with the
    // same name but another key, most likely. Our verdict says which certificate.
    boolean sameAnchors = situation.trustAnchors().stream()
        .anyMatch(anchor -> accepted.contains(anchor.getSubjectX500Principal()));
    if (ours != null && ours.verdict().reason() == Reason.UNTRUSTED_ISSUER && sameAnchors) {
      return new Diagnosis(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED, Reason.UNTRUSTED_ISSUER,
          "The server rejected our client certificate, most likely because " + ours.verdict().sentence() + ".",
          evidence + "; it accepts certificates from " + Names.issuers(accepted) + ", which we trust too, and our own"
              + " check with that anchor refuses our chain.", technical);
    }
    return null;
  }
}
