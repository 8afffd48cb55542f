package dev.mtls.pki;

import dev.mtls.pki.internal.ocsp.OcspMessages;
import dev.mtls.pki.internal.ocsp.SerialStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Answers RFC 6960 OCSP requests about the certificates of a CA directory's issuing CA: good, revoked (with the
 * time and reason from the index) or unknown (a serial the index does not list, or another issuer). Each request looks
 * whether the index changed and reads it again only then, so a revocation made while the responder runs (by this
 * process or another, {@code pki revoke}) is in its next answer, and a request costs the same whatever the size of the
 * index. A request asks about at most {@link #MAX_CERTIFICATES_PER_REQUEST} certificates. Responses are
 * signed by the delegated signer ({@link CaDirectory#ocspSigner}), carry the signer's certificate, echo the
 * request's nonce, and say how long they may be cached ({@code thisUpdate}, {@code nextUpdate}). Before each answer
 * the index is asked whether the signer was revoked: a revoked signer (its key leaked) never signs again, since
 * ocsp-nocheck tells relying parties not to ask; the responder switches to the one the CA directory has or makes.
 */
public final class OcspResponder {
  /** Requests larger than this are not OCSP requests for a handful of certificates. */
  public static final int MAX_REQUEST_BYTES = 16 * 1024;
  /**
   * A request about more certificates than this is answered {@code malformedRequest}, before any is looked up:
   * relying parties ask about one certificate, or a path's few, and 16 KiB hold some 250.
   */
  public static final int MAX_CERTIFICATES_PER_REQUEST = 32;
  /** How long a delegated signer is issued for. */
  public static final Duration SIGNER_VALIDITY = Duration.ofDays(7);
  /** A signer is renewed when less than this is left: a responder may run for weeks. */
  public static final Duration RENEW_BEFORE = Duration.ofDays(1);

  private final CaDirectory ca;
  private final Duration validity;
  private final Clock clock;
  private final OcspMessages messages;
  private volatile CaDirectory.OcspSigner signer;

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
    this.messages = new OcspMessages(ca.intermediate());
  }

  /** The delegated signer answers are signed by now. */
  public CaDirectory.OcspSigner signer() {
    return signer;
  }

  /** How long an answer may be cached (its nextUpdate minus thisUpdate). */
  public Duration validity() {
    return validity;
  }

  /**
   * The DER OCSPResponse for a DER OCSPRequest; a request that does not parse, or asks about more than
   * {@link #MAX_CERTIFICATES_PER_REQUEST} certificates, gets {@code malformedRequest}; one that cannot be answered
   * (the index unreadable, the signer unusable) {@code internalError}, and one that comes while the signer is revoked
   * and no new one can be had {@code tryLater}. Every answer of a response comes from one version of the index.
   */
  public byte[] respond(byte[] request) {
    Optional<OcspMessages.Request> parsed = messages.parse(request, MAX_CERTIFICATES_PER_REQUEST);
    if (parsed.isEmpty()) {
      return OcspMessages.malformedRequest();
    }
    IndexSnapshot index;
    try {
      index = ca.issuedSnapshot();
    } catch (RuntimeException e) {
      return OcspMessages.internalError();
    }
    Instant now = clock.instant();
    Optional<CaDirectory.OcspSigner> signing = signerAt(now);
    if (signing.isEmpty()) {
      return OcspMessages.tryLater();
    }
    return messages.answer(parsed.get(), now, validity, signing.get().certificate(), signing.get().privateKey(),
        serial -> status(index.entry(serial)));
  }

  private static SerialStatus status(Optional<IndexEntry> entry) {
    if (entry.isEmpty()) {
      return SerialStatus.UNKNOWN;
    }
    if (entry.get().status() == IndexEntry.Status.REVOKED) {
      return SerialStatus.revoked(entry.get().revokedAt(), entry.get().reason().code());
    }
    return SerialStatus.GOOD;
  }

  /**
   * The signer to sign with at {@code now}: the current one while the index does not list it revoked and it has more
   * than {@link #RENEW_BEFORE} left; otherwise the one the CA directory has on file or makes
   * ({@link CaDirectory#ocspSigner}, which needs its password). If none can be had, a current signer that is merely
   * old serves while it is valid, a revoked one never (empty); the next request tries again.
   */
  private Optional<CaDirectory.OcspSigner> signerAt(Instant now) {
    CaDirectory.OcspSigner current = signer;
    boolean revoked = ca.isRevoked(current.certificate());
    if (!revoked && current.certificate().getNotAfter().toInstant().minus(RENEW_BEFORE).isAfter(now)) {
      return Optional.of(current);
    }
    synchronized (this) {
      if (signer == current) {
        try {
          Duration lifetime = Duration.between(current.certificate().getNotBefore().toInstant(),
              current.certificate().getNotAfter().toInstant());
          signer = ca.ocspSigner(lifetime, RENEW_BEFORE);
        } catch (RuntimeException e) {
          return revoked ? Optional.empty() : Optional.of(current);
        }
      }
      return Optional.of(signer);
    }
  }
}
