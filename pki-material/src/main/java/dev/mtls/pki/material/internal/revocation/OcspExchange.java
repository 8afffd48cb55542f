package dev.mtls.pki.material.internal.revocation;

import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.trust.RevocationSource.Fetch;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * One question to an OCSP responder (RFC 6960 over HTTP POST) about one certificate, with a fresh nonce. The
 * response is returned as it came, for the trust core to judge; this only refuses what is no answer at all (an
 * error status, another nonce) and says how long the answer may be kept: its nextUpdate, at most the max age.
 */
final class OcspExchange {
  static final int MAX_OCSP_BYTES = 64 * 1024;
  // CertIDs name the issuer by SHA-256 hashes; responders match them with the hash the request uses.
  private static final AlgorithmIdentifier SHA256 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256);

  private final BoundedHttp http;
  private final FetchPolicy policy;
  private final SecureRandom random = new SecureRandom();

  OcspExchange(BoundedHttp http, FetchPolicy policy) {
    this.http = http;
    this.policy = policy;
  }

  /** How an OCSP request names {@code certificate}: its serial under its issuer's name and key hashes. */
  static CertificateID idOf(X509Certificate certificate, X509Certificate issuer) throws Exception {
    return new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(SHA256),
        new JcaX509CertificateHolder(issuer), certificate.getSerialNumber());
  }

  /** What to cache an answer from {@code uri} about {@code id} under: the responder and the whole CertID. */
  static OcspKey cacheKey(URI uri, CertificateID id) {
    return OcspKey.of(uri, id);
  }

  Fetch<byte[]> ask(URI uri, CertificateID id, Instant at) {
    String source = uri.toString();
    try {
      byte[] nonce = new byte[16];
      random.nextBytes(nonce);
      OCSPReqBuilder request = new OCSPReqBuilder().addRequest(id);
      request.setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
          new DEROctetString(nonce).getEncoded())));
      byte[] der = http.post(uri, "application/ocsp-request", request.build().getEncoded(), MAX_OCSP_BYTES);
      OCSPResp response = new OCSPResp(der);
      if (response.getStatus() != OCSPResp.SUCCESSFUL) {
        return Fetch.failed(source, "answered with OCSP status " + response.getStatus() + " instead of a status",
            policy.retryAt(at));
      }
      BasicOCSPResp basic = (BasicOCSPResp) response.getResponseObject();
      Extension echoed = basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
      // A responder may leave the nonce out (pre-signed answers); one it echoes must be ours, or it is a replay.
      if (echoed != null && !Arrays.equals(echoed.getExtnValue().getOctets(),
          new DEROctetString(nonce).getEncoded())) {
        return Fetch.failed(source, "echoed another nonce than the one asked with (a replayed answer?)",
            policy.retryAt(at));
      }
      Instant until = policy.keepUntil(at);
      for (SingleResp single : basic.getResponses()) {
        if (single.getCertID().equals(id) && single.getNextUpdate() != null
            && single.getNextUpdate().toInstant().isBefore(until)) {
          until = single.getNextUpdate().toInstant();
        }
      }
      return Fetch.of(source, der, until);
    } catch (SocketTimeoutException e) {
      return Fetch.failed(source, policy.tooSlow(), policy.retryAt(at));
    } catch (IOException | RuntimeException | OCSPException e) {
      return Fetch.failed(source, "could not be asked: " + SafeText.escape(String.valueOf(e.getMessage())),
          policy.retryAt(at));
    }
  }
}
