package dev.mtls.pki.material.trust;

import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.internal.trust.Acceptance;
import dev.mtls.pki.material.internal.trust.Accepted;
import dev.mtls.pki.material.internal.trust.Conclusion;
import dev.mtls.pki.material.internal.trust.CrlSelector;
import dev.mtls.pki.material.internal.trust.OnlineStatus;
import dev.mtls.pki.material.internal.trust.PathValidator;
import dev.mtls.pki.material.internal.trust.PkixAnchors;
import dev.mtls.pki.material.internal.trust.ProposedPath;
import dev.mtls.pki.material.internal.trust.Refusal;
import dev.mtls.pki.material.internal.trust.RevocationWalk;
import dev.mtls.pki.material.internal.trust.Staples;
import dev.mtls.pki.material.internal.trust.Validation;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whom we trust, at one moment: trust anchors, the CRLs we know, where else to ask about revocation
 * ({@link RevocationSource}), what to do about a certificate nobody answers for, and the {@link AlgorithmPolicy}.
 * {@link #verify} is the project's one trust decision, made the same way by the server (for clients), the client
 * (for servers, and for its own certificate before it connects) and {@code pki verify}:
 *
 * <ol>
 *   <li>the JDK's PKIX validator checks the path from the leaf to a trust anchor: signatures, validity dates,
 *       basic constraints and pathLen, name constraints, key usage of CAs, critical extensions;
 *   <li>inside the same validation, on the same path, the algorithm policy checks every certificate and the leaf
 *       must be an end-entity certificate for the purpose;
 *   <li>on that validated path, for every certificate from the anchor down: the newest CRL its issuer's key
 *       signed ({@link CrlSet}); else the OCSP response the server stapled; else the revocation source: the OCSP
 *       responder, then CRLs fetched from distribution points, which decide as CRL files do. An OCSP response
 *       counts only when the issuer's key, or a responder that key authorised, signed it, about this serial, now.
 * </ol>
 *
 * Nothing is decided by comparing names or by what the peer says about itself: the peer's list only proposes the
 * path, and PKIX decides. A trust is immutable; a reload makes a new one with a new {@link #generation()}, and a
 * verdict says how long it holds ({@link Verdict#validUntil()}), so whoever keeps relying on it knows when to ask
 * again.
 */
public final class Trust {
  private static final AtomicLong GENERATIONS = new AtomicLong();
  private static final int CACHE_LIMIT = 4096;

  /**
   * Everything a verdict rests on besides the time, which {@link Verdict#holdsAt} bounds: the purpose, the chain and
   * the stapled responses (by {@link Staples#fingerprint}). A handshake that staples another answer, "revoked", or
   * nothing asks another question and is decided on its own.
   */
  private record CacheKey(Purpose purpose, List<X509Certificate> chain, String staples) {}

  private final TrustAnchors anchors;
  private final CrlSet crls;
  private final MissingCrlPolicy missingCrl;
  private final AlgorithmPolicy algorithms;
  private final RevocationSource online;
  private final boolean stapleRequired;
  private final long generation;
  private final PkixAnchors pkixAnchors;
  private final CrlSelector crlFiles;
  private final PathValidator validator;
  private final RevocationWalk revocationWalk;
  private final Acceptance acceptance;
  private final Map<CacheKey, Verdict> verdicts = new ConcurrentHashMap<>();

  private Trust(TrustAnchors anchors, CrlSet crls, MissingCrlPolicy missingCrl, AlgorithmPolicy algorithms,
      RevocationSource online, boolean stapleRequired) {
    this.anchors = Objects.requireNonNull(anchors, "anchors == null");
    this.crls = Objects.requireNonNull(crls, "crls == null");
    this.missingCrl = Objects.requireNonNull(missingCrl, "missingCrl == null");
    this.algorithms = Objects.requireNonNull(algorithms, "algorithms == null");
    this.online = online;
    this.stapleRequired = stapleRequired;
    this.pkixAnchors = new PkixAnchors(anchors, algorithms);
    this.generation = GENERATIONS.incrementAndGet();
    this.crlFiles = new CrlSelector(crls);
    this.validator = new PathValidator(pkixAnchors, algorithms);
    this.revocationWalk = new RevocationWalk(online, algorithms, stapleRequired);
    this.acceptance = new Acceptance(missingCrl, online, checksRevocation());
  }

  /** Trust in {@code anchors}, without CRLs (revocation not checked). */
  public static Trust of(TrustAnchors anchors) {
    return new Trust(anchors, CrlSet.NONE, MissingCrlPolicy.REFUSE, AlgorithmPolicy.STRICT, null, false);
  }

  /**
   * The JDK's own trust store (cacerts), for clients of public servers, without the anchors the algorithm policy
   * refuses (a configured anchor like that is an error; the system store is not ours to fix).
   */
  public static Trust system() {
    List<X509Certificate> usable = TrustAnchors.system().certificates().stream()
        .filter(anchor -> AlgorithmPolicy.STRICT.problemWithKey(anchor.getPublicKey()).isEmpty())
        .toList();
    return of(TrustAnchors.of(usable));
  }

  /** Trust in {@code anchors} with {@code crls}; a CA in a path without a CRL is handled by {@code missingCrl}. */
  public static Trust of(TrustAnchors anchors, CrlSet crls, MissingCrlPolicy missingCrl) {
    return new Trust(anchors, crls, missingCrl, AlgorithmPolicy.STRICT, null, false);
  }

  /** This trust with other anchors: a new generation. */
  public Trust withAnchors(TrustAnchors anchors) {
    return new Trust(anchors, crls, missingCrl, algorithms, online, stapleRequired);
  }

  /** This trust with other CRLs: a new generation. */
  public Trust withCrls(CrlSet crls) {
    return new Trust(anchors, crls, missingCrl, algorithms, online, stapleRequired);
  }

  /**
   * This trust asking {@code source} (OCSP responders, CRL distribution points) about the certificates of a
   * validated path whose status no CRL given here decides; null for none. A new generation.
   */
  public Trust withRevocationSource(RevocationSource source) {
    return new Trust(anchors, crls, missingCrl, algorithms, source, stapleRequired);
  }

  /**
   * This trust, for judging servers, refusing every server certificate that comes without a stapled OCSP response,
   * not only those whose TLS Feature extension asks for one (must-staple, refused without one either way). A new
   * generation.
   */
  public Trust requiringStapledOcsp(boolean required) {
    return new Trust(anchors, crls, missingCrl, algorithms, online, required);
  }

  public TrustAnchors anchors() {
    return anchors;
  }

  public CrlSet crls() {
    return crls;
  }

  public MissingCrlPolicy missingCrl() {
    return missingCrl;
  }

  public AlgorithmPolicy algorithms() {
    return algorithms;
  }

  /** The online revocation source, if any. */
  public Optional<RevocationSource> revocationSource() {
    return Optional.ofNullable(online);
  }

  /** Whether every server must staple an OCSP response for its certificate (must-staple ones must anyway). */
  public boolean requiresStapledOcsp() {
    return stapleRequired;
  }

  /** Whether any revocation source is configured: CRLs or an online source. */
  public boolean checksRevocation() {
    return !crls.isEmpty() || online != null;
  }

  /** Increases with every new trust (every reload); a verdict remembers the generation that made it. */
  public long generation() {
    return generation;
  }

  /**
   * Decides whether {@code chain} (leaf first, as a peer sends it) is trusted for {@code purpose} at {@code at}.
   * Trusted verdicts are remembered for identical chains until they stop holding, so a connection that asks again
   * on every request costs a lookup; one reached with stapled OCSP responses answers only for the same staples.
   */
  public Verdict verify(List<X509Certificate> chain, Purpose purpose, Instant at) {
    return verify(chain, purpose, at, List.of());
  }

  /**
   * Decides as {@link #verify(List, Purpose, Instant)}, with the OCSP responses a server stapled in the handshake
   * ({@code stapled}, in the order of {@code chain}, empty entries for none), which answer for their certificates
   * before any configured source is asked. A server certificate whose TLS Feature extension asks for a staple
   * (must-staple, RFC 7633) is refused without one, as under {@link #requiringStapledOcsp}.
   */
  public Verdict verify(List<X509Certificate> chain, Purpose purpose, Instant at, List<byte[]> stapled) {
    if (chain == null || chain.isEmpty()) {
      return Verdict.refused(Reason.NO_CERTIFICATE, Verdict.noCertificate(purpose).sentence(), purpose, List.of(),
          -1, generation);
    }
    List<byte[]> staples = stapled == null ? List.of() : stapled;
    CacheKey key = new CacheKey(purpose, List.copyOf(chain), Staples.fingerprint(staples));
    Verdict known = verdicts.get(key);
    if (known != null && known.holdsAt(at)) {
      return known;
    }
    Verdict verdict = decide(key.chain(), purpose, at, staples);
    if (verdict.isTrusted()) {
      if (verdicts.size() >= CACHE_LIMIT) {
        verdicts.clear();
      }
      verdicts.put(key, verdict);
    }
    return verdict;
  }

  /** The decision, in the order the class comment gives. */
  private Verdict decide(List<X509Certificate> offered, Purpose purpose, Instant at, List<byte[]> stapled) {
    // The peer's list only proposes the path.
    Optional<List<X509Certificate>> proposed = ProposedPath.from(offered, pkixAnchors, at);
    if (proposed.isEmpty()) {
      return refused(ProposedPath.unbuildable(offered, purpose), purpose, offered);
    }
    List<X509Certificate> path = proposed.get();
    Staples staples = Staples.of(offered, stapled);

    // PKIX on that path, the algorithm policy and the purpose checked inside it; then the CRL files.
    Validation validation = validator.validate(path, crlFiles, checksRevocation() || !staples.isEmpty(), purpose,
        at);
    if (validation.isRefused()) {
      return refused(validation.refusal(), purpose, offered);
    }
    Optional<Refusal> unstapled = revocationWalk.missingStaple(path, purpose, staples);
    if (unstapled.isPresent()) {
      return refused(unstapled.get(), purpose, offered);
    }

    // For each certificate no CRL file decided, from the anchor down: the stapled OCSP response, the OCSP
    // responder, the CRLs at its distribution points ...
    OnlineStatus answers = new OnlineStatus();
    for (int index : validation.open()) {
      Optional<Refusal> refusal = revocationWalk.ask(index, path, validation.anchor(), staples, answers, purpose, at);
      if (refusal.isPresent()) {
        return refused(refusal.get(), purpose, offered);
      }
    }
    // ... which decide as the CRL files do: by validating the path again with them.
    if (answers.hasFetchedCrls()) {
      validation = validator.validate(path, new CrlSelector(answers.withFetchedCrls(crls)), true, purpose, at);
      if (validation.isRefused()) {
        return refused(validation.refusal(), purpose, offered);
      }
    }

    // Every certificate's status established, or accepted unknown as configured; or refused after all.
    Conclusion conclusion = acceptance.judge(path, validation, answers, purpose);
    if (conclusion instanceof Accepted accepted) {
      return Verdict.trusted(purpose, offered, path, validation.anchor(), accepted.validFrom(),
          accepted.validUntil(), generation, accepted.notes(), accepted.checks());
    }
    return refused((Refusal) conclusion, purpose, offered);
  }

  private Verdict refused(Refusal refusal, Purpose purpose, List<X509Certificate> offered) {
    return Verdict.refused(refusal, purpose, offered, generation);
  }

  @Override
  public String toString() {
    return "Trust[generation " + generation + ", " + anchors.certificates().size() + " anchor(s), " + crls
        + ", missing CRL: " + missingCrl.name().toLowerCase(Locale.ROOT) + "]";
  }
}
