package dev.mtls.pki.material.revocation;

import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.trust.CrlSet;
import dev.mtls.pki.material.trust.RevocationSource;
import dev.mtls.pki.material.trust.UnavailablePolicy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CRL;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * A {@link RevocationSource} over HTTP: the OCSP responder a certificate names in its Authority Information Access
 * (or one configured for all), and the CRLs at the distribution points it names (and at configured URLs).
 *
 * <p>Every wait is bounded: each exchange by {@link Builder#timeout}, connection, reads and all. An answer is kept
 * until its nextUpdate, and at most {@link Builder#maxAge} after it was fetched, so a revocation reaches the
 * verifier within that period. A source that failed is not asked again for {@link Builder#retryAfter}: while a
 * responder is down, handshakes are decided at once by the {@link UnavailablePolicy}, not after a timeout each. A CRL
 * that cannot be refreshed is used until its own nextUpdate.
 */
public final class OnlineRevocation implements RevocationSource {
  static final int MAX_OCSP_BYTES = 64 * 1024;
  // CertIDs name the issuer by SHA-256 hashes; responders match them with the hash the request uses.
  private static final AlgorithmIdentifier SHA256 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256);
  static final int MAX_CRL_BYTES = 16 * 1024 * 1024;
  /** Beyond this many cached answers, the expired ones are dropped (and all of them, if that is not enough). */
  static final int CACHE_LIMIT = 4096;

  private final URI responder;
  private final boolean ocspFromCertificates;
  private final boolean crlsFromCertificates;
  private final List<URI> crlUrls;
  private final Duration timeout;
  private final Duration maxAge;
  private final Duration retryAfter;
  private final UnavailablePolicy whenUnavailable;
  private final BoundedHttp http;
  private final ExecutorService fetchers;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Fetch<byte[]>> ocspAnswers = new ConcurrentHashMap<>();
  private final Map<URI, Fetch<List<X509CRL>>> crlAnswers = new ConcurrentHashMap<>();
  private final Map<URI, Fetch<?>> down = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<?>> inFlight = new ConcurrentHashMap<>();

  private OnlineRevocation(Builder builder) {
    this.responder = builder.responder;
    this.ocspFromCertificates = builder.ocspFromCertificates;
    this.crlsFromCertificates = builder.crlsFromCertificates;
    this.crlUrls = List.copyOf(builder.crlUrls);
    this.timeout = builder.timeout;
    this.maxAge = builder.maxAge;
    this.retryAfter = builder.retryAfter;
    this.whenUnavailable = builder.whenUnavailable;
    this.http = new BoundedHttp(timeout);
    this.fetchers = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "mtls-revocation-fetch");
      thread.setDaemon(true);
      return thread;
    });
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public UnavailablePolicy whenUnavailable() {
    return whenUnavailable;
  }

  /** Whether any OCSP responder can apply: a configured one, or the ones certificates name. */
  public boolean asksOcsp() {
    return responder != null || ocspFromCertificates;
  }

  /** Whether any CRL URL can apply: configured ones, or the distribution points certificates name. */
  public boolean fetchesCrls() {
    return !crlUrls.isEmpty() || crlsFromCertificates;
  }

  @Override
  public Optional<Fetch<byte[]>> ocsp(X509Certificate certificate, X509Certificate issuer, Instant at) {
    URI uri = responder != null ? responder
        : ocspFromCertificates ? Locations.ocsp(certificate).stream().findFirst().orElse(null) : null;
    if (uri == null) {
      return Optional.empty();
    }
    CertificateID id;
    try {
      id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(SHA256),
          new JcaX509CertificateHolder(issuer), certificate.getSerialNumber());
    } catch (Exception e) {
      return Optional.of(Fetch.failed(uri.toString(), "cannot be asked: " + SafeText.escape(e.getMessage()),
          at.plus(retryAfter)));
    }
    String key = uri + " " + Arrays.hashCode(id.getIssuerKeyHash()) + " " + certificate.getSerialNumber();
    Fetch<byte[]> known = ocspAnswers.get(key);
    if (known != null && known.until().isAfter(at)) {
      return Optional.of(known);
    }
    Fetch<byte[]> fetched = fetchOnce(key, uri, at, () -> askResponder(uri, id, at));
    if (fetched.succeeded()) {
      remember(ocspAnswers, key, fetched, at);
    }
    return Optional.of(fetched);
  }

  @Override
  public Optional<Fetch<List<X509CRL>>> crls(X509Certificate certificate, Instant at) {
    List<URI> urls = new ArrayList<>(crlUrls);
    if (crlsFromCertificates) {
      Locations.crlDistributionPoints(certificate).stream().filter(uri -> !urls.contains(uri)).forEach(urls::add);
    }
    if (urls.isEmpty()) {
      return Optional.empty();
    }
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
      return Optional.of(Fetch.failed(String.join(", ", urls.stream().map(URI::toString).toList()),
          String.join("; ", failures), until));
    }
    return Optional.of(Fetch.of(String.join(", ", sources), List.copyOf(crls), until));
  }

  private Fetch<List<X509CRL>> crl(URI uri, Instant at) {
    Fetch<List<X509CRL>> known = crlAnswers.get(uri);
    if (known != null && known.until().isAfter(at)) {
      return known;
    }
    Fetch<List<X509CRL>> fetched = fetchOnce("crl " + uri, uri, at, () -> download(uri, at));
    if (fetched.succeeded()) {
      remember(crlAnswers, uri, fetched, at);
      return fetched;
    }
    // A CRL that cannot be refreshed still speaks until its nextUpdate; the source is asked again after a pause.
    if (known != null) {
      Instant nextUpdate = known.value().stream().map(crl -> crl.getNextUpdate().toInstant())
          .min(Instant::compareTo).orElse(at);
      if (nextUpdate.isAfter(at)) {
        Instant retry = at.plus(retryAfter);
        return Fetch.of(known.source(), known.value(), retry.isBefore(nextUpdate) ? retry : nextUpdate);
      }
    }
    return fetched;
  }

  /**
   * Runs {@code fetch} for {@code key} unless the same fetch is already running (then waits for that one), and
   * waits at most the timeout. A failure marks {@code uri} down until the retry time.
   */
  @SuppressWarnings("unchecked")
  private <T> Fetch<T> fetchOnce(String key, URI uri, Instant at, Supplier<Fetch<T>> fetch) {
    Fetch<?> failed = down.get(uri);
    if (failed != null && failed.until().isAfter(at)) {
      return Fetch.failed(uri.toString(), failed.failure(), failed.until());
    }
    CompletableFuture<Fetch<T>> future = (CompletableFuture<Fetch<T>>) inFlight.computeIfAbsent(key,
        k -> CompletableFuture.supplyAsync(fetch, fetchers));
    Fetch<T> result;
    try {
      result = future.get(timeout.toMillis() + 250, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      result = Fetch.failed(uri.toString(), "did not answer within " + timeout.toMillis() + " ms",
          at.plus(retryAfter));
    } catch (ExecutionException e) {
      result = Fetch.failed(uri.toString(), "failed: " + SafeText.escape(String.valueOf(e.getCause())),
          at.plus(retryAfter));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result = Fetch.failed(uri.toString(), "was not asked: interrupted", at.plus(retryAfter));
    } finally {
      if (future.isDone()) {
        inFlight.remove(key, future);
      }
    }
    if (!result.succeeded()) {
      remember(down, uri, result, at);
    } else {
      down.remove(uri);
    }
    return result;
  }

  /** Caches {@code value}, keeping the cache bounded: one answer per certificate seen must not grow forever. */
  private static <K, V extends Fetch<?>> void remember(Map<K, V> cache, K key, V value, Instant at) {
    if (cache.size() >= CACHE_LIMIT) {
      cache.values().removeIf(cached -> !cached.until().isAfter(at));
      if (cache.size() >= CACHE_LIMIT) {
        cache.clear();
      }
    }
    cache.put(key, value);
  }

  private Fetch<byte[]> askResponder(URI uri, CertificateID id, Instant at) {
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
            at.plus(retryAfter));
      }
      BasicOCSPResp basic = (BasicOCSPResp) response.getResponseObject();
      Extension echoed = basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
      // A responder may leave the nonce out (pre-signed answers); one it echoes must be ours, or it is a replay.
      if (echoed != null && !Arrays.equals(echoed.getExtnValue().getOctets(),
          new DEROctetString(nonce).getEncoded())) {
        return Fetch.failed(source, "echoed another nonce than the one asked with (a replayed answer?)",
            at.plus(retryAfter));
      }
      Instant until = at.plus(maxAge);
      for (SingleResp single : basic.getResponses()) {
        if (single.getCertID().equals(id) && single.getNextUpdate() != null
            && single.getNextUpdate().toInstant().isBefore(until)) {
          until = single.getNextUpdate().toInstant();
        }
      }
      return Fetch.of(source, der, until);
    } catch (SocketTimeoutException e) {
      return Fetch.failed(source, "did not answer within " + timeout.toMillis() + " ms", at.plus(retryAfter));
    } catch (IOException | RuntimeException | org.bouncycastle.cert.ocsp.OCSPException e) {
      return Fetch.failed(source, "could not be asked: " + SafeText.escape(String.valueOf(e.getMessage())),
          at.plus(retryAfter));
    }
  }

  private Fetch<List<X509CRL>> download(URI uri, Instant at) {
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
        return Fetch.failed(source, "served no CRL", at.plus(retryAfter));
      }
      CrlSet.checkUsable(source, crls);
      Instant until = at.plus(maxAge);
      for (X509CRL crl : crls) {
        if (crl.getNextUpdate().toInstant().isBefore(until)) {
          until = crl.getNextUpdate().toInstant();
        }
      }
      if (!until.isAfter(at)) {
        return Fetch.failed(source, "served a CRL past its nextUpdate " + until, at.plus(retryAfter));
      }
      return Fetch.of(source, List.copyOf(crls), until);
    } catch (SocketTimeoutException e) {
      return Fetch.failed(source, "did not answer within " + timeout.toMillis() + " ms", at.plus(retryAfter));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      return Fetch.failed(source, "could not be fetched: " + SafeText.escape(String.valueOf(e.getMessage())),
          at.plus(retryAfter));
    }
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    if (responder != null) {
      parts.add("OCSP responder " + responder);
    } else if (ocspFromCertificates) {
      parts.add("OCSP responders named by certificates");
    }
    if (crlsFromCertificates) {
      parts.add("CRL distribution points named by certificates");
    }
    crlUrls.forEach(uri -> parts.add("CRL " + uri));
    return String.join(", ", parts) + " (timeout " + timeout.toMillis() + " ms, answers kept at most "
        + maxAge.toSeconds() + " s, " + whenUnavailable.name().toLowerCase(Locale.ROOT).replace('_', '-') + ")";
  }

  /** Where a certificate says its status is published: AIA OCSP URLs and CRL distribution point URLs. */
  static final class Locations {
    private Locations() {}

    static List<URI> ocsp(X509Certificate certificate) {
      byte[] value = certificate.getExtensionValue(Extension.authorityInfoAccess.getId());
      List<URI> uris = new ArrayList<>();
      if (value == null) {
        return uris;
      }
      try {
        AuthorityInformationAccess access = AuthorityInformationAccess.getInstance(
            JcaX509ExtensionUtils.parseExtensionValue(value));
        for (AccessDescription description : access.getAccessDescriptions()) {
          if (description.getAccessMethod().equals(AccessDescription.id_ad_ocsp)) {
            http(description.getAccessLocation()).ifPresent(uris::add);
          }
        }
      } catch (IOException | RuntimeException e) {
        // An unreadable extension names no responder.
      }
      return uris;
    }

    static List<URI> crlDistributionPoints(X509Certificate certificate) {
      byte[] value = certificate.getExtensionValue(Extension.cRLDistributionPoints.getId());
      List<URI> uris = new ArrayList<>();
      if (value == null) {
        return uris;
      }
      try {
        CRLDistPoint points = CRLDistPoint.getInstance(JcaX509ExtensionUtils.parseExtensionValue(value));
        for (DistributionPoint point : points.getDistributionPoints()) {
          DistributionPointName name = point.getDistributionPoint();
          // A point limited to some reasons, or whose CRL another issuer signs, is not one this verifier applies.
          if (name == null || name.getType() != DistributionPointName.FULL_NAME || point.getReasons() != null
              || point.getCRLIssuer() != null) {
            continue;
          }
          for (GeneralName general : GeneralNames.getInstance(name.getName()).getNames()) {
            http(general).ifPresent(uris::add);
          }
        }
      } catch (IOException | RuntimeException e) {
        // An unreadable extension names no distribution point.
      }
      return uris;
    }

    private static Optional<URI> http(GeneralName name) {
      if (name.getTagNo() != GeneralName.uniformResourceIdentifier) {
        return Optional.empty();
      }
      try {
        URI uri = URI.create(name.getName().toString());
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return scheme.equals("http") || scheme.equals("https") ? Optional.of(uri) : Optional.empty();
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
  }

  /** Configures an {@link OnlineRevocation}; nothing is asked unless a responder or CRL source is chosen. */
  public static final class Builder {
    private URI responder;
    private boolean ocspFromCertificates;
    private boolean crlsFromCertificates;
    private final List<URI> crlUrls = new ArrayList<>();
    private Duration timeout = Duration.ofSeconds(2);
    private Duration maxAge = Duration.ofMinutes(5);
    private Duration retryAfter = Duration.ofSeconds(30);
    private UnavailablePolicy whenUnavailable = UnavailablePolicy.HARD_FAIL;

    private Builder() {}

    /** Ask the OCSP responder each certificate names in its Authority Information Access. */
    public Builder ocspFromCertificates() {
      this.ocspFromCertificates = true;
      return this;
    }

    /** Ask this OCSP responder about every certificate, whatever the certificate names. */
    public Builder ocspResponder(URI responder) {
      this.responder = http(responder, "OCSP responder");
      return this;
    }

    /** Fetch CRLs from the distribution points each certificate names. */
    public Builder crlsFromCertificates() {
      this.crlsFromCertificates = true;
      return this;
    }

    /** Fetch CRLs from this URL (DER or PEM) for every certificate whose status is open. */
    public Builder addCrlUrl(URI url) {
      crlUrls.add(http(url, "CRL URL"));
      return this;
    }

    /** The longest one exchange with a source may take, all included. Default 2 s. */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /**
     * The longest an answer is relied on after it was fetched, even if its nextUpdate is later: the bound on how
     * late a revocation is noticed. Default 5 minutes.
     */
    public Builder maxAge(Duration maxAge) {
      this.maxAge = positive(maxAge, "maxAge");
      return this;
    }

    /** How long a source that failed is left alone before it is asked again. Default 30 s. */
    public Builder retryAfter(Duration retryAfter) {
      this.retryAfter = positive(retryAfter, "retryAfter");
      return this;
    }

    /** What to do when a source applies but does not answer. Default {@link UnavailablePolicy#HARD_FAIL}. */
    public Builder whenUnavailable(UnavailablePolicy policy) {
      this.whenUnavailable = Objects.requireNonNull(policy, "policy == null");
      return this;
    }

    /** Whether anything would be asked at all. */
    public boolean isEnabled() {
      return responder != null || ocspFromCertificates || crlsFromCertificates || !crlUrls.isEmpty();
    }

    public OnlineRevocation build() {
      return new OnlineRevocation(this);
    }

    private static URI http(URI uri, String what) {
      Objects.requireNonNull(uri, what + " == null");
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw new IllegalArgumentException(what + " must be an absolute http:// or https:// URL, got \""
            + SafeText.escape(uri.toString()) + "\"");
      }
      return uri;
    }

    private static Duration positive(Duration duration, String what) {
      if (duration == null || duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + duration);
      }
      return duration;
    }
  }
}
