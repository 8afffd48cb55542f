package dev.mtls.pki;

import dev.mtls.pki.internal.x509.Signatures;
import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;
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
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Answers RFC 6960 OCSP requests about the certificates of a CA directory's issuing CA: good, revoked (with the
 * time and reason from the index) or unknown (a serial the index does not list, or another issuer). The index is
 * read for every request, so a revocation made while the responder runs is in its next answer. Responses are
 * signed by the delegated signer ({@link CaDirectory#ocspSigner}), carry the signer's chain, echo the request's
 * nonce, and say how long they may be cached ({@code thisUpdate}, {@code nextUpdate}). BouncyCastle's OCSP
 * builders do the ASN.1.
 */
public final class OcspResponder {
  /** Requests larger than this are not OCSP requests for a handful of certificates. */
  public static final int MAX_REQUEST_BYTES = 16 * 1024;

  private final CaDirectory ca;
  /** How long a delegated signer is issued for. */
  public static final Duration SIGNER_VALIDITY = Duration.ofDays(7);
  /** A signer is renewed when less than this is left: a responder may run for weeks. */
  public static final Duration RENEW_BEFORE = Duration.ofDays(1);

  private volatile CaDirectory.OcspSigner signer;
  private final Duration validity;
  private final Clock clock;
  private final X509CertificateHolder issuer;
  private final DigestCalculatorProvider digests;

  /**
   * Answers for {@code ca}, signed by its delegated signer on file (issued, or renewed, when it has less than
   * {@link #RENEW_BEFORE} left: the CA directory must be open with its password).
   */
  public static OcspResponder forCa(CaDirectory ca, Duration validity, Clock clock) {
    return new OcspResponder(ca, ca.ocspSigner(SIGNER_VALIDITY, RENEW_BEFORE), validity, clock);
  }

  /** Answers for {@code ca}, signed by {@code signer}; each answer may be cached for {@code validity}. */
  public OcspResponder(CaDirectory ca, CaDirectory.OcspSigner signer, Duration validity, Clock clock) {
    this.ca = Objects.requireNonNull(ca, "ca == null");
    this.signer = Objects.requireNonNull(signer, "signer == null");
    this.validity = Objects.requireNonNull(validity, "validity == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
    try {
      this.issuer = new JcaX509CertificateHolder(ca.intermediate());
      this.digests = new JcaDigestCalculatorProviderBuilder().build();
    } catch (CertificateEncodingException | OperatorCreationException e) {
      throw new IllegalStateException("cannot prepare the OCSP responder: " + e.getMessage(), e);
    }
  }

  /**
   * The signer to sign with at {@code now}: the current one, or a renewed one once it has less than a day left
   * (issued through the CA directory, which needs its password). If renewal fails, the current signer serves while
   * it is valid and renewal is tried again at the next request.
   */
  private CaDirectory.OcspSigner signerAt(Instant now) {
    CaDirectory.OcspSigner current = signer;
    if (current.certificate().getNotAfter().toInstant().minus(RENEW_BEFORE).isAfter(now)) {
      return current;
    }
    synchronized (this) {
      if (signer == current) {
        try {
          Duration lifetime = Duration.between(current.certificate().getNotBefore().toInstant(),
              current.certificate().getNotAfter().toInstant());
          signer = ca.ocspSigner(lifetime, RENEW_BEFORE);
        } catch (RuntimeException e) {
          return current;
        }
      }
      return signer;
    }
  }

  /** The delegated signer answers are signed by now. */
  public CaDirectory.OcspSigner signer() {
    return signer;
  }

  /** How long an answer may be cached (its nextUpdate minus thisUpdate). */
  public Duration validity() {
    return validity;
  }

  /** The DER OCSPResponse for a DER OCSPRequest; a request that does not parse gets {@code malformedRequest}. */
  public byte[] respond(byte[] request) {
    try {
      OCSPReq parsed;
      try {
        parsed = new OCSPReq(request);
      } catch (IOException | RuntimeException e) {
        return unsuccessful(OCSPRespBuilder.MALFORMED_REQUEST);
      }
      if (parsed.getRequestList().length == 0) {
        return unsuccessful(OCSPRespBuilder.MALFORMED_REQUEST);
      }
      Instant now = clock.instant();
      CaDirectory.OcspSigner signing = signerAt(now);
      BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(new RespID(
          new JcaX509CertificateHolder(signing.certificate()).getSubject()));
      for (Req one : parsed.getRequestList()) {
        CertificateID id = one.getCertID();
        builder.addResponse(id, status(id), Date.from(now), Date.from(now.plus(validity)), null);
      }
      Extension nonce = parsed.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
      if (nonce != null) {
        builder.setResponseExtensions(new Extensions(nonce));
      }
      // The signer's certificate: a relying party checks it was issued by the CA in question, for OCSP signing.
      X509CertificateHolder[] chain = {new JcaX509CertificateHolder(signing.certificate())};
      return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, builder.build(
          new JcaContentSignerBuilder(Signatures.algorithmFor(signing.certificate().getPublicKey()))
              .build(signing.privateKey()),
          chain, Date.from(now))).getEncoded();
    } catch (OCSPException | OperatorCreationException | CertificateEncodingException | IOException e) {
      return unsuccessful(OCSPRespBuilder.INTERNAL_ERROR);
    }
  }

  private CertificateStatus status(CertificateID id) throws OCSPException {
    if (!id.matchesIssuer(issuer, digests)) {
      return new UnknownStatus();
    }
    BigInteger serial = id.getSerialNumber();
    Optional<IndexEntry> entry = ca.entry(serial);
    if (entry.isEmpty()) {
      return new UnknownStatus();
    }
    if (entry.get().status() == IndexEntry.Status.REVOKED) {
      return new RevokedStatus(Date.from(entry.get().revokedAt()), entry.get().reason().code());
    }
    return CertificateStatus.GOOD;
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
