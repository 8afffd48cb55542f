package dev.mtls.pki.material.internal.trust;

import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.trust.AlgorithmPolicy;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.RevocationSource;
import dev.mtls.pki.material.trust.RevocationSource.Fetch;
import dev.mtls.pki.material.trust.StatusCheck;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Asks about a certificate of a validated path whose status no CRL file decided, in this order: the OCSP response
 * the server stapled, the OCSP responder, the CRLs at the distribution points. An OCSP "good" decides at once; a
 * "revoked" or "unknown" refuses; anything else is recorded in the {@link OnlineStatus} and the next source is
 * asked. Fetched CRLs only decide when the path is validated again with them.
 */
public final class RevocationWalk {
  private final RevocationSource online;
  private final AlgorithmPolicy algorithms;
  private final boolean stapleRequired;

  /** {@code online} is null when nothing is to be asked over the network. */
  public RevocationWalk(RevocationSource online, AlgorithmPolicy algorithms, boolean stapleRequired) {
    this.online = online;
    this.algorithms = algorithms;
    this.stapleRequired = stapleRequired;
  }

  /**
   * A refusal when a server's certificate came without a stapled OCSP response although its TLS Feature extension
   * (must-staple, RFC 7633) or this verifier requires one.
   */
  public Optional<Refusal> missingStaple(List<X509Certificate> path, Purpose purpose, Staples staples) {
    if (purpose != Purpose.SERVER || staples.forCertificate(path.get(0)) != null) {
      return Optional.empty();
    }
    String without = Sentences.which(0, path, purpose) + " came without a stapled OCSP response, and ";
    if (TlsFeature.requiresStaple(path.get(0))) {
      return Optional.of(new Refusal(Reason.MISSING_STAPLE, without + "its TLS Feature extension requires one"
          + " (must-staple, RFC 7633)", 0));
    }
    if (stapleRequired) {
      return Optional.of(new Refusal(Reason.MISSING_STAPLE, without + "this client requires one (must-staple)", 0));
    }
    return Optional.empty();
  }

  /**
   * Asks about the certificate at {@code index} of {@code path}, which ends at {@code anchor}; a refusal when an
   * answer says revoked or unknown.
   */
  public Optional<Refusal> ask(int index, List<X509Certificate> path, X509Certificate anchor, Staples staples,
      OnlineStatus status, Purpose purpose, Instant at) {
    X509Certificate certificate = path.get(index);
    X509Certificate issuer = index + 1 < path.size() ? path.get(index + 1) : anchor;
    Optional<Refusal> refusal = stapled(index, path, issuer, staples, status, purpose, at);
    if (refusal.isPresent() || status.answer(index) != null || online == null) {
      return refusal;
    }
    refusal = responder(index, path, issuer, status, purpose, at);
    if (refusal.isPresent() || status.answer(index) != null) {
      return refusal;
    }
    distributionPoints(index, certificate, issuer, status, at);
    return Optional.empty();
  }

  private Optional<Refusal> stapled(int index, List<X509Certificate> path, X509Certificate issuer, Staples staples,
      OnlineStatus status, Purpose purpose, Instant at) {
    byte[] staple = staples.forCertificate(path.get(index));
    if (staple == null) {
      return Optional.empty();
    }
    OcspAnswer answer = OcspAnswer.read(staple, path.get(index), issuer, at, algorithms);
    if (answer.status() == OcspAnswer.Status.GOOD) {
      status.answered(new StatusCheck(index, StatusCheck.Source.STAPLED_OCSP, "stapled",
          answer.nextUpdate().orElseThrow()));
      return Optional.empty();
    }
    if (answer.status() != OcspAnswer.Status.UNUSABLE) {
      return Optional.of(ocspRefusal(answer, "the OCSP response the server stapled", index, path, purpose));
    }
    if (index == 0 && purpose == Purpose.SERVER && (stapleRequired || TlsFeature.requiresStaple(path.get(0)))) {
      return Optional.of(new Refusal(Reason.REVOCATION_UNKNOWN, "the OCSP response stapled for "
          + Sentences.which(index, path, purpose) + " is unusable: " + answer.sentence() + ", and "
          + (stapleRequired ? "this client" : "its TLS Feature extension") + " requires one (must-staple)", index));
    }
    // Like browsers, treat a bad staple as none; the configured sources, if any, still decide.
    if (online != null) {
      status.failed(index, "the stapled OCSP response is unusable: " + answer.sentence(), Instant.MAX);
    }
    return Optional.empty();
  }

  private Optional<Refusal> responder(int index, List<X509Certificate> path, X509Certificate issuer,
      OnlineStatus status, Purpose purpose, Instant at) {
    Optional<Fetch<byte[]>> ocsp = online.ocsp(path.get(index), issuer, at);
    if (ocsp.isEmpty()) {
      return Optional.empty();
    }
    Fetch<byte[]> fetch = ocsp.get();
    String responder = "the OCSP responder " + SafeText.escape(fetch.source());
    if (!fetch.succeeded()) {
      status.failed(index, responder + " " + fetch.failure(), fetch.until());
      return Optional.empty();
    }
    OcspAnswer answer = OcspAnswer.read(fetch.value(), path.get(index), issuer, at, algorithms);
    if (answer.status() == OcspAnswer.Status.GOOD) {
      status.answered(new StatusCheck(index, StatusCheck.Source.OCSP, fetch.source(),
          Instants.earlier(answer.nextUpdate().orElseThrow(), fetch.until())));
      return Optional.empty();
    }
    if (answer.status() != OcspAnswer.Status.UNUSABLE) {
      return Optional.of(ocspRefusal(answer, responder, index, path, purpose));
    }
    status.failed(index, responder + " gave an unusable answer: " + answer.sentence(), fetch.until());
    return Optional.empty();
  }

  private void distributionPoints(int index, X509Certificate certificate, X509Certificate issuer,
      OnlineStatus status, Instant at) {
    Optional<Fetch<List<X509CRL>>> crl = online.crls(certificate, at);
    if (crl.isEmpty()) {
      return;
    }
    Fetch<List<X509CRL>> fetch = crl.get();
    if (fetch.succeeded()) {
      status.fetched(fetch.source(), fetch.value(), fetch.until());
    }
    // Whether a fetched CRL decides is for the validation with it; if none does, this is why.
    status.failed(index, (fetch.succeeded() ? "no CRL fetched from " + SafeText.escape(fetch.source())
        + " is current, covers this certificate and was signed by the key of " + Sentences.name(issuer)
        : "the CRL from " + SafeText.escape(fetch.source()) + " " + fetch.failure()), fetch.until());
  }

  private static Refusal ocspRefusal(OcspAnswer answer, String who, int index, List<X509Certificate> path,
      Purpose purpose) {
    String subject = Sentences.which(index, path, purpose);
    String serial = " (serial " + path.get(index).getSerialNumber().toString(16) + ")";
    if (answer.status() == OcspAnswer.Status.REVOKED) {
      return new Refusal(Reason.REVOKED, subject + serial + " was revoked on "
          + Sentences.time(answer.revokedAt().orElseThrow()) + " (reason " + Sentences.reason(answer.reason()
          .orElse(null)) + "), says " + who, index);
    }
    return new Refusal(Reason.REVOCATION_UNKNOWN, who + " does not know " + subject + serial
        + " (status unknown): it was not issued by the CA the responder answers for, or not recorded", index);
  }
}
