package dev.mtls.pki.material.internal.revocation;

import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.trust.RevocationSource.Fetch;
import java.net.URI;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.cert.ocsp.CertificateID;

/**
 * What OCSP responders and CRL URLs answer, fetched within the timeout and kept as long as the answers and the max
 * age allow; one fetch per question at a time, and a source that failed is left alone for the retry period.
 */
public final class RevocationAnswers {
  private final FetchPolicy policy;
  private final SharedFetches fetches;
  private final OcspExchange ocsp;
  private final CrlDownload crlDownload;
  private final AnswerCache<OcspKey, Fetch<byte[]>> ocspAnswers = new AnswerCache<>();
  private final AnswerCache<URI, Fetch<List<X509CRL>>> crlAnswers = new AnswerCache<>();

  public RevocationAnswers(Duration timeout, Duration maxAge, Duration retryAfter) {
    this.policy = new FetchPolicy(timeout, maxAge, retryAfter);
    this.fetches = new SharedFetches(policy);
    BoundedHttp http = new BoundedHttp(timeout);
    this.ocsp = new OcspExchange(http, policy);
    this.crlDownload = new CrlDownload(http, policy);
  }

  /** The OCSP response of the responder at {@code uri} about {@code certificate}, issued by {@code issuer}. */
  public Fetch<byte[]> ocsp(URI uri, X509Certificate certificate, X509Certificate issuer, Instant at) {
    CertificateID id;
    try {
      id = OcspExchange.idOf(certificate, issuer);
    } catch (Exception e) {
      return Fetch.failed(uri.toString(), "cannot be asked: " + SafeText.escape(e.getMessage()), policy.retryAt(at));
    }
    OcspKey key = OcspExchange.cacheKey(uri, id);
    Fetch<byte[]> known = ocspAnswers.current(key, at);
    if (known != null) {
      return known;
    }
    Fetch<byte[]> fetched = fetches.once(key, uri, at, () -> ocsp.ask(uri, id, at));
    if (fetched.succeeded()) {
      ocspAnswers.remember(key, fetched, at);
    }
    return fetched;
  }

  /** The CRLs at all of {@code urls}, as one answer: what any of them gave, or why none gave anything. */
  public Fetch<List<X509CRL>> crls(List<URI> urls, Instant at) {
    List<X509CRL> crls = new ArrayList<>();
    List<String> sources = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Instant until = Instant.MAX;
    for (URI uri : urls) {
      Fetch<List<X509CRL>> fetch = crl(uri, at);
      until = until.isBefore(fetch.until()) ? until : fetch.until();
      if (fetch.succeeded()) {
        crls.addAll(fetch.value());
        sources.add(fetch.source());
      } else {
        failures.add(fetch.failure());
      }
    }
    if (crls.isEmpty()) {
      return Fetch.failed(String.join(", ", urls.stream().map(URI::toString).toList()), String.join("; ", failures),
          until);
    }
    return Fetch.of(String.join(", ", sources), List.copyOf(crls), until);
  }

  private Fetch<List<X509CRL>> crl(URI uri, Instant at) {
    Fetch<List<X509CRL>> known = crlAnswers.last(uri);
    if (known != null && known.until().isAfter(at)) {
      return known;
    }
    Fetch<List<X509CRL>> fetched = fetches.once("crl " + uri, uri, at, () -> crlDownload.fetch(uri, at));
    if (fetched.succeeded()) {
      crlAnswers.remember(uri, fetched, at);
      return fetched;
    }
    // A CRL that cannot be refreshed still speaks until its nextUpdate; the source is asked again after a pause.
    if (known != null) {
      Instant nextUpdate = known.value().stream().map(crl -> crl.getNextUpdate().toInstant())
          .min(Instant::compareTo).orElse(at);
      if (nextUpdate.isAfter(at)) {
        Instant retry = policy.retryAt(at);
        return Fetch.of(known.source(), known.value(), retry.isBefore(nextUpdate) ? retry : nextUpdate);
      }
    }
    return fetched;
  }
}
