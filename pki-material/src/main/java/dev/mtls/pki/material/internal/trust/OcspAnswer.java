package dev.mtls.pki.material.internal.trust;

import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.trust.AlgorithmPolicy;
import java.io.IOException;
import java.security.CryptoPrimitive;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CRLReason;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * What one OCSP response (RFC 6960) says about one certificate, once it is established that the response may speak
 * for it: signed by the key of the certificate's issuer as PKIX validated it, or by a responder certificate that key
 * signed for OCSP signing alone (EKU id-kp-OCSPSigning, with id-pkix-ocsp-nocheck because its own status is not
 * checked); about this serial under this issuer's name and key hash; current at the moment of the decision; signed
 * with an algorithm the {@link AlgorithmPolicy} accepts. Anything else makes the response unusable, never a
 * "good": a forged or stale answer must not be able to vouch for a certificate.
 *
 * <p>BouncyCastle parses the response and checks the signatures; the rules above are the project's.
 */
final class OcspAnswer {
  /** How long a response without nextUpdate counts as current ("newer status is always available"). */
  static final Duration WITHOUT_NEXT_UPDATE = Duration.ofMinutes(5);

  /** What the response says. */
  public enum Status {
    GOOD, REVOKED, UNKNOWN,
    /** Not usable for this certificate now: unsigned by a key that may speak for it, stale, about another, … */
    UNUSABLE
  }

  private final Status status;
  private final String sentence;
  private final Instant thisUpdate;
  private final Instant nextUpdate;
  private final Instant revokedAt;
  private final CRLReason reason;

  private OcspAnswer(Status status, String sentence, Instant thisUpdate, Instant nextUpdate, Instant revokedAt,
      CRLReason reason) {
    this.status = status;
    this.sentence = sentence;
    this.thisUpdate = thisUpdate;
    this.nextUpdate = nextUpdate;
    this.revokedAt = revokedAt;
    this.reason = reason;
  }

  private static OcspAnswer unusable(String sentence) {
    return new OcspAnswer(Status.UNUSABLE, sentence, null, null, null, null);
  }

  /**
   * Reads {@code response} (a DER OCSPResponse) as an answer about {@code certificate}, issued by {@code issuer}
   * (the next certificate of the validated path, or its trust anchor), at {@code at}.
   */
  public static OcspAnswer read(byte[] response, X509Certificate certificate, X509Certificate issuer, Instant at,
      AlgorithmPolicy algorithms) {
    try {
      OCSPResp outer = new OCSPResp(response);
      if (outer.getStatus() != OCSPResp.SUCCESSFUL) {
        return unusable("the responder answered " + responseStatus(outer.getStatus()));
      }
      if (!(outer.getResponseObject() instanceof BasicOCSPResp basic)) {
        return unusable("the response is not a basic OCSP response");
      }
      String algorithm = new DefaultAlgorithmNameFinder().getAlgorithmName(basic.getSignatureAlgOID());
      if (!algorithms.permits(EnumSet.of(CryptoPrimitive.SIGNATURE), algorithm, null)) {
        return unusable("the response is signed with " + algorithm + ", which the algorithm policy refuses");
      }
      Optional<String> signer = signerProblem(basic, issuer, at, algorithms);
      if (signer.isPresent()) {
        return unusable(signer.get());
      }
      SingleResp single = about(basic, certificate, issuer);
      if (single == null) {
        return unusable("the response does not speak about serial " + certificate.getSerialNumber().toString(16)
            + " of " + Sentences.name(issuer));
      }
      Instant thisUpdate = single.getThisUpdate().toInstant();
      Instant nextUpdate = single.getNextUpdate() == null ? thisUpdate.plus(WITHOUT_NEXT_UPDATE)
          : single.getNextUpdate().toInstant();
      if (thisUpdate.isAfter(at.plus(CrlSelector.SKEW))) {
        return unusable("the response's thisUpdate " + Sentences.time(thisUpdate) + " lies in the future (is a clock"
            + " wrong?)");
      }
      if (!nextUpdate.isAfter(at)) {
        return unusable("the response was current until " + Sentences.time(nextUpdate));
      }
      Object status = single.getCertStatus();
      if (status instanceof RevokedStatus revoked) {
        CRLReason reason = revoked.hasRevocationReason() ? reasonOf(revoked.getRevocationReason())
            : CRLReason.UNSPECIFIED;
        return new OcspAnswer(Status.REVOKED, "revoked", thisUpdate, nextUpdate,
            revoked.getRevocationTime().toInstant(), reason);
      }
      if (status instanceof UnknownStatus) {
        return new OcspAnswer(Status.UNKNOWN, "the responder does not know this certificate", thisUpdate, nextUpdate,
            null, null);
      }
      return new OcspAnswer(Status.GOOD, "good", thisUpdate, nextUpdate, null, null);
    } catch (IOException | OCSPException | RuntimeException e) {
      return unusable("the response cannot be read: " + SafeText.escape(e.getMessage()));
    }
  }

  /** Empty when the response is signed by the issuer's key or by a responder that key authorised. */
  private static Optional<String> signerProblem(BasicOCSPResp basic, X509Certificate issuer, Instant at,
      AlgorithmPolicy algorithms) throws OCSPException {
    if (verifies(basic, issuer.getPublicKey())) {
      return Optional.empty();
    }
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    for (X509CertificateHolder holder : basic.getCerts()) {
      X509Certificate responder;
      try {
        responder = converter.getCertificate(holder);
      } catch (GeneralSecurityException e) {
        continue;
      }
      if (!verifies(basic, responder.getPublicKey())) {
        continue;
      }
      String who = "the response is signed by " + Sentences.name(responder);
      try {
        responder.verify(issuer.getPublicKey());
      } catch (GeneralSecurityException e) {
        return Optional.of(who + ", which the key of " + Sentences.name(issuer) + " did not sign");
      }
      try {
        List<String> purposes = responder.getExtendedKeyUsage();
        if (purposes == null || !purposes.contains(KeyPurposeId.id_kp_OCSPSigning.getId())) {
          return Optional.of(who + ", which is not authorised for OCSP signing (no EKU OCSPSigning)");
        }
      } catch (CertificateParsingException e) {
        return Optional.of(who + ", whose extended key usage cannot be read");
      }
      if (responder.getExtensionValue(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck.getId()) == null) {
        return Optional.of(who + ", which lacks id-pkix-ocsp-nocheck: its own revocation status would need checking,"
            + " which this verifier does not do");
      }
      if (at.isBefore(responder.getNotBefore().toInstant()) || at.isAfter(responder.getNotAfter().toInstant())) {
        return Optional.of(who + ", which is not valid at " + Sentences.time(at));
      }
      Optional<String> weak = algorithms.problemWith(responder);
      if (weak.isPresent()) {
        return Optional.of(who + ", which " + weak.get());
      }
      return Optional.empty();
    }
    return Optional.of("the response is signed neither by the key of " + Sentences.name(issuer)
        + " nor by a responder certificate it includes");
  }

  private static boolean verifies(BasicOCSPResp basic, PublicKey key) {
    try {
      return basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key));
    } catch (OCSPException | OperatorCreationException | RuntimeException e) {
      return false;
    }
  }

  private static SingleResp about(BasicOCSPResp basic, X509Certificate certificate, X509Certificate issuer) {
    try {
      JcaX509CertificateHolder issuerHolder = new JcaX509CertificateHolder(issuer);
      var digests = new JcaDigestCalculatorProviderBuilder().build();
      for (SingleResp single : basic.getResponses()) {
        if (single.getCertID().getSerialNumber().equals(certificate.getSerialNumber())
            && single.getCertID().matchesIssuer(issuerHolder, digests)) {
          return single;
        }
      }
      return null;
    } catch (GeneralSecurityException | OperatorCreationException | OCSPException e) {
      return null;
    }
  }

  private static CRLReason reasonOf(int code) {
    CRLReason[] reasons = CRLReason.values();
    return code >= 0 && code < reasons.length ? reasons[code] : CRLReason.UNSPECIFIED;
  }

  private static String responseStatus(int status) {
    return switch (status) {
      case OCSPResp.MALFORMED_REQUEST -> "malformedRequest";
      case OCSPResp.INTERNAL_ERROR -> "internalError";
      case OCSPResp.TRY_LATER -> "tryLater";
      case OCSPResp.SIG_REQUIRED -> "sigRequired";
      case OCSPResp.UNAUTHORIZED -> "unauthorized";
      default -> "status " + status;
    };
  }

  public Status status() {
    return status;
  }

  /** Why the response is unusable, or a word for its status. */
  public String sentence() {
    return sentence;
  }

  public Optional<Instant> thisUpdate() {
    return Optional.ofNullable(thisUpdate);
  }

  /** Until when the answer is current (its nextUpdate, or a few minutes after thisUpdate without one). */
  public Optional<Instant> nextUpdate() {
    return Optional.ofNullable(nextUpdate);
  }

  public Optional<Instant> revokedAt() {
    return Optional.ofNullable(revokedAt);
  }

  public Optional<CRLReason> reason() {
    return Optional.ofNullable(reason);
  }
}
