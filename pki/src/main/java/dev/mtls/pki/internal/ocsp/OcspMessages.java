package dev.mtls.pki.internal.ocsp;

import dev.mtls.pki.internal.x509.Signatures;
import java.io.IOException;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.function.Function;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * RFC 6960 messages of one CA's OCSP responder, in and out, with BouncyCastle's OCSP builders: requests parsed, and
 * basic responses signed by a delegated signer that carry its certificate, echo the request's nonce, and say how long
 * they may be cached. A certificate of another issuer is unknown.
 */
public final class OcspMessages {
  private final X509CertificateHolder issuer;
  private final DigestCalculatorProvider digests;

  /** Messages about the certificates {@code issuer} issued. */
  public OcspMessages(X509Certificate issuer) {
    try {
      this.issuer = new JcaX509CertificateHolder(issuer);
      this.digests = new JcaDigestCalculatorProviderBuilder().build();
    } catch (CertificateEncodingException | OperatorCreationException e) {
      throw new IllegalStateException("cannot prepare the OCSP responder: " + e.getMessage(), e);
    }
  }

  /** A parsed OCSP request. */
  public static final class Request {
    private final OCSPReq request;

    private Request(OCSPReq request) {
      this.request = request;
    }
  }

  /**
   * The request in {@code der}, or empty when it is not one that asks about at least one certificate and at most
   * {@code maxCertificates}.
   */
  public Optional<Request> parse(byte[] der, int maxCertificates) {
    try {
      OCSPReq parsed = new OCSPReq(der);
      Req[] requests = parsed.getRequestList();
      if (requests.length == 0 || requests.length > maxCertificates) {
        return Optional.empty();
      }
      // BouncyCastle reads the parts of a request when they are first asked for: read every part an answer uses
      // now, so that a malformed one makes a malformed request rather than a failure while answering.
      for (Req one : requests) {
        CertificateID id = one.getCertID();
        id.getHashAlgOID();
        id.getIssuerNameHash();
        id.getIssuerKeyHash();
        id.getSerialNumber();
      }
      parsed.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
      return Optional.of(new Request(parsed));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The DER OCSPResponse to {@code request}, produced at {@code now} and valid for {@code validity}, each serial's
   * status from {@code statusOf}, signed with {@code signerKey}; {@code internalError} when it cannot be signed.
   */
  public byte[] answer(Request request, Instant now, Duration validity, X509Certificate signer, PrivateKey signerKey,
      Function<BigInteger, SerialStatus> statusOf) {
    try {
      X509CertificateHolder signerHolder = new JcaX509CertificateHolder(signer);
      BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(new RespID(signerHolder.getSubject()));
      for (Req one : request.request.getRequestList()) {
        CertificateID id = one.getCertID();
        SerialStatus status = namesIssuer(id) ? statusOf.apply(id.getSerialNumber()) : SerialStatus.UNKNOWN;
        builder.addResponse(id, encoded(status), Date.from(now), Date.from(now.plus(validity)), null);
      }
      Extension nonce = request.request.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
      if (nonce != null) {
        builder.setResponseExtensions(new Extensions(nonce));
      }
      // The signer's certificate: a relying party checks it was issued by the CA in question, for OCSP signing.
      return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, builder.build(
          Signatures.signer(signerKey, signer.getPublicKey()), new X509CertificateHolder[] {signerHolder},
          Date.from(now))).getEncoded();
    } catch (OCSPException | CertificateEncodingException | IOException | IllegalStateException e) {
      return unsuccessful(OCSPRespBuilder.INTERNAL_ERROR);
    }
  }

  /**
   * Whether {@code id} names this responder's issuer. A CertID hashed with an algorithm this JVM does not have, or
   * with malformed algorithm parameters, names no issuer it knows: its certificate is unknown, which is the client's
   * answer, not an error of the responder.
   */
  private boolean namesIssuer(CertificateID id) {
    try {
      return id.matchesIssuer(issuer, digests);
    } catch (OCSPException | RuntimeException e) {
      return false;
    }
  }

  /** The answer to what is not an OCSP request, or one that asks about too many certificates. */
  public static byte[] malformedRequest() {
    return unsuccessful(OCSPRespBuilder.MALFORMED_REQUEST);
  }

  /** The answer while the responder has no signer it may use: ask again (RFC 6960 tryLater). */
  public static byte[] tryLater() {
    return unsuccessful(OCSPRespBuilder.TRY_LATER);
  }

  /** The answer when the responder cannot tell (its index unreadable). */
  public static byte[] internalError() {
    return unsuccessful(OCSPRespBuilder.INTERNAL_ERROR);
  }

  private static CertificateStatus encoded(SerialStatus status) {
    return switch (status.state()) {
      case GOOD -> CertificateStatus.GOOD;
      case REVOKED -> new RevokedStatus(Date.from(status.revokedAt()), status.reasonCode());
      case UNKNOWN -> new UnknownStatus();
    };
  }

  /** An OCSPResponse with only a status, as RFC 6960 has for every outcome but success. */
  private static byte[] unsuccessful(int code) {
    try {
      return new OCSPRespBuilder().build(code, null).getEncoded();
    } catch (OCSPException | IOException e) {
      throw new IllegalStateException("cannot encode an OCSP status " + code, e);
    }
  }
}
