package dev.mtls.pki.material.internal.revocation;

import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.trust.CrlSet;
import dev.mtls.pki.material.trust.RevocationSource.Fetch;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.cert.CRL;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One download of the CRLs at a URL (DER or PEM, HTTP GET), refused when this project could not apply them (as
 * {@link CrlSet} refuses a file) or they are already past their nextUpdate; kept until the earliest nextUpdate, at
 * most the max age.
 */
final class CrlDownload {
  static final int MAX_CRL_BYTES = 16 * 1024 * 1024;

  private final BoundedHttp http;
  private final FetchPolicy policy;

  CrlDownload(BoundedHttp http, FetchPolicy policy) {
    this.http = http;
    this.policy = policy;
  }

  Fetch<List<X509CRL>> fetch(URI uri, Instant at) {
    String source = uri.toString();
    try {
      byte[] body = http.get(uri, MAX_CRL_BYTES);
      Collection<? extends CRL> read = CertificateFactory.getInstance("X.509")
          .generateCRLs(new ByteArrayInputStream(body));
      List<X509CRL> crls = new ArrayList<>();
      for (CRL crl : read) {
        crls.add((X509CRL) crl);
      }
      if (crls.isEmpty()) {
        return Fetch.failed(source, "served no CRL", policy.retryAt(at));
      }
      CrlSet.checkUsable(source, crls);
      Instant until = policy.keepUntil(at);
      for (X509CRL crl : crls) {
        if (crl.getNextUpdate().toInstant().isBefore(until)) {
          until = crl.getNextUpdate().toInstant();
        }
      }
      if (!until.isAfter(at)) {
        return Fetch.failed(source, "served a CRL past its nextUpdate " + until, policy.retryAt(at));
      }
      return Fetch.of(source, List.copyOf(crls), until);
    } catch (SocketTimeoutException e) {
      return Fetch.failed(source, policy.tooSlow(), policy.retryAt(at));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      return Fetch.failed(source, "could not be fetched: " + SafeText.escape(String.valueOf(e.getMessage())),
          policy.retryAt(at));
    }
  }
}
