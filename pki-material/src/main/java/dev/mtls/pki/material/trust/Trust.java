package dev.mtls.pki.material.trust;

import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.TrustAnchors;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPath;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateRevokedException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.CRLReason;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *       signed ({@link CrlSet}); else the OCSP response the server stapled ({@link OcspAnswer}); else the
 *       revocation source (an OCSP responder, CRLs from distribution points), whose answers decide the same way.
 * </ol>
 *
 * Nothing is decided by comparing names or by what the peer says about itself: the peer's list only proposes the
 * path, and PKIX decides. A trust is immutable; a reload makes a new one with a new {@link #generation()}, and a
 * verdict says how long it holds ({@link Verdict#validUntil()}), so whoever keeps relying on it knows when to ask
 * again.
 */
public final class Trust {
  private static final Logger LOG = LoggerFactory.getLogger(Trust.class);
  private static final AtomicLong GENERATIONS = new AtomicLong();
  private static final int CACHE_LIMIT = 4096;
  private static final Set<String> KNOWN_EXTENSIONS = Set.of("2.5.29.14", "2.5.29.15", "2.5.29.17", "2.5.29.19",
      "2.5.29.30", "2.5.29.31", "2.5.29.32", "2.5.29.33", "2.5.29.35", "2.5.29.36", "2.5.29.37", "2.5.29.54");

  private record CacheKey(Purpose purpose, List<X509Certificate> chain) {}

  private final TrustAnchors anchors;
  private final Set<TrustAnchor> pkixAnchors;
  private final CrlSet crls;
  private final MissingCrlPolicy missingCrl;
  private final AlgorithmPolicy algorithms;
  private final RevocationSource online;
  private final boolean stapleRequired;
  private final long generation;
  private final Map<CacheKey, Verdict> verdicts = new ConcurrentHashMap<>();
  private final Set<String> reportedMissing = ConcurrentHashMap.newKeySet();

  private Trust(TrustAnchors anchors, CrlSet crls, MissingCrlPolicy missingCrl, AlgorithmPolicy algorithms,
      RevocationSource online, boolean stapleRequired) {
    this.anchors = Objects.requireNonNull(anchors, "anchors == null");
    this.crls = Objects.requireNonNull(crls, "crls == null");
    this.missingCrl = Objects.requireNonNull(missingCrl, "missingCrl == null");
    this.algorithms = Objects.requireNonNull(algorithms, "algorithms == null");
    this.online = online;
    this.stapleRequired = stapleRequired;
    Set<TrustAnchor> set = new LinkedHashSet<>();
    for (X509Certificate anchor : anchors.certificates()) {
      Optional<String> problem = algorithms.problemWithKey(anchor.getPublicKey());
      if (problem.isPresent()) {
        throw new KeyMaterialException("trust anchor " + Sentences.name(anchor) + " has " + problem.get()
            + "; it cannot be a trust anchor under this project's algorithm policy");
      }
      set.add(new TrustAnchor(anchor, null));
    }
    this.pkixAnchors = Set.copyOf(set);
    this.generation = GENERATIONS.incrementAndGet();
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
   * This trust, for judging servers, refusing a server certificate that comes without a stapled OCSP response
   * (what a must-staple certificate asks of its clients). A new generation.
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

  /** Whether a server must staple an OCSP response for its certificate. */
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
   * on every request costs a lookup.
   */
  public Verdict verify(List<X509Certificate> chain, Purpose purpose, Instant at) {
    return verify(chain, purpose, at, List.of());
  }

  /**
   * Decides as {@link #verify(List, Purpose, Instant)}, with the OCSP responses a server stapled in the handshake
   * ({@code stapled}, in the order of {@code chain}, empty entries for none), which answer for their certificates
   * before any configured source is asked.
   */
  public Verdict verify(List<X509Certificate> chain, Purpose purpose, Instant at, List<byte[]> stapled) {
    if (chain == null || chain.isEmpty()) {
      return Verdict.refused(Reason.NO_CERTIFICATE, Verdict.noCertificate(purpose).sentence(), purpose, List.of(),
          -1, generation);
    }
    CacheKey key = new CacheKey(purpose, List.copyOf(chain));
    Verdict known = verdicts.get(key);
    if (known != null && known.holdsAt(at)) {
      return known;
    }
    Verdict verdict = decide(key.chain(), purpose, at, stapled == null ? List.of() : stapled);
    if (verdict.isTrusted()) {
      if (verdicts.size() >= CACHE_LIMIT) {
        verdicts.clear();
      }
      verdicts.put(key, verdict);
    }
    return verdict;
  }

  /** One PKIX validation of a path with a set of CRLs: a refusal, or the anchor and the statuses left open. */
  private record Validation(Verdict refusal, X509Certificate anchor, CrlSet crls, List<CrlSet.Selection> selections,
      List<Integer> open) {}

  private Verdict decide(List<X509Certificate> offered, Purpose purpose, Instant at, List<byte[]> stapled) {
    List<X509Certificate> path = proposedPath(offered, at);
    if (path == null) {
      return Verdict.refused(Reason.UNTRUSTED_ISSUER, "no path from " + purpose.leafNoun() + " "
          + Sentences.name(offered.get(0)) + " to a trust anchor can be built from the " + offered.size()
          + " certificates offered", purpose, offered, 0, generation);
    }
    Map<X509Certificate, byte[]> staples = new HashMap<>();
    for (int i = 0; i < offered.size() && i < stapled.size(); i++) {
      if (stapled.get(i) != null && stapled.get(i).length > 0) {
        staples.put(offered.get(i), stapled.get(i));
      }
    }
    Validation validation = validate(offered, path, crls, checksRevocation() || !staples.isEmpty(), purpose, at);
    if (validation.refusal() != null) {
      return validation.refusal();
    }
    if (stapleRequired && purpose == Purpose.SERVER && !staples.containsKey(path.get(0))) {
      return Verdict.refused(Reason.REVOCATION_UNKNOWN, Sentences.which(0, path, purpose) + " came without a stapled"
          + " OCSP response, and this client requires one (must-staple)", purpose, offered, 0, generation);
    }
    OnlineStatus status = new OnlineStatus();
    for (int index : validation.open()) {
      Verdict refusal = askOnline(index, path, validation.anchor(), staples, status, offered, purpose, at);
      if (refusal != null) {
        return refusal;
      }
    }
    if (!status.fetchedCrls.isEmpty()) {
      CrlSet extended = crls;
      for (Map.Entry<String, List<X509CRL>> fetched : status.fetchedCrls.entrySet()) {
        extended = extended.with(fetched.getKey(), fetched.getValue());
      }
      validation = validate(offered, path, extended, true, purpose, at);
      if (validation.refusal() != null) {
        return validation.refusal();
      }
    }
    return accepted(offered, path, validation, status, purpose, at);
  }

  /** What the stapled responses and the online source said about the certificates whose status was open. */
  private static final class OnlineStatus {
    final Map<Integer, StatusCheck> answered = new HashMap<>();
    final Map<Integer, List<String>> failures = new HashMap<>();
    final Map<Integer, Instant> retryAt = new HashMap<>();
    final Map<String, List<X509CRL>> fetchedCrls = new LinkedHashMap<>();
    final Map<String, Instant> fetchedUntil = new HashMap<>();

    void failed(int index, String why, Instant retry) {
      failures.computeIfAbsent(index, i -> new ArrayList<>()).add(why);
      retryAt.merge(index, retry, Trust::earlier);
    }
  }

  /**
   * Asks, for the certificate at {@code index} of a validated path, the server's stapled response, then the OCSP
   * responder, then the CRL distribution points; returns a refusal when an answer says revoked or unknown.
   */
  private Verdict askOnline(int index, List<X509Certificate> path, X509Certificate anchor,
      Map<X509Certificate, byte[]> staples, OnlineStatus status, List<X509Certificate> offered, Purpose purpose,
      Instant at) {
    X509Certificate certificate = path.get(index);
    X509Certificate issuer = index + 1 < path.size() ? path.get(index + 1) : anchor;
    byte[] staple = staples.get(certificate);
    if (staple != null) {
      OcspAnswer answer = OcspAnswer.read(staple, certificate, issuer, at, algorithms);
      if (answer.status() == OcspAnswer.Status.GOOD) {
        status.answered.put(index, new StatusCheck(index, StatusCheck.Source.STAPLED_OCSP, "stapled",
            answer.nextUpdate().orElseThrow()));
        return null;
      }
      if (answer.status() != OcspAnswer.Status.UNUSABLE) {
        return ocspRefusal(answer, "the OCSP response the server stapled", index, path, offered, purpose);
      }
      if (stapleRequired && index == 0) {
        return Verdict.refused(Reason.REVOCATION_UNKNOWN, "the OCSP response stapled for "
            + Sentences.which(index, path, purpose) + " is unusable: " + answer.sentence()
            + ", and this client requires one (must-staple)", purpose, offered, index, generation);
      }
      // Like browsers, treat a bad staple as none; the configured sources, if any, still decide.
      if (online != null) {
        status.failed(index, "the stapled OCSP response is unusable: " + answer.sentence(), Instant.MAX);
      }
    }
    if (online == null) {
      return null;
    }
    Optional<RevocationSource.Fetch<byte[]>> ocsp = online.ocsp(certificate, issuer, at);
    if (ocsp.isPresent()) {
      RevocationSource.Fetch<byte[]> fetch = ocsp.get();
      String responder = "the OCSP responder " + SafeText.escape(fetch.source());
      if (!fetch.succeeded()) {
        status.failed(index, responder + " " + fetch.failure(), fetch.until());
      } else {
        OcspAnswer answer = OcspAnswer.read(fetch.value(), certificate, issuer, at, algorithms);
        if (answer.status() == OcspAnswer.Status.GOOD) {
          status.answered.put(index, new StatusCheck(index, StatusCheck.Source.OCSP, fetch.source(),
              earlier(answer.nextUpdate().orElseThrow(), fetch.until())));
          return null;
        }
        if (answer.status() != OcspAnswer.Status.UNUSABLE) {
          return ocspRefusal(answer, responder, index, path, offered, purpose);
        }
        status.failed(index, responder + " gave an unusable answer: " + answer.sentence(), fetch.until());
      }
    }
    Optional<RevocationSource.Fetch<List<X509CRL>>> crl = online.crls(certificate, at);
    if (crl.isPresent()) {
      RevocationSource.Fetch<List<X509CRL>> fetch = crl.get();
      if (fetch.succeeded()) {
        status.fetchedCrls.put(fetch.source(), fetch.value());
        status.fetchedUntil.put(fetch.source(), fetch.until());
      }
      // Whether a fetched CRL decides is for the validation with it; if none does, this is why.
      status.failed(index, (fetch.succeeded() ? "no CRL fetched from " + SafeText.escape(fetch.source())
          + " is current, covers this certificate and was signed by the key of " + Sentences.name(issuer)
          : "the CRL from " + SafeText.escape(fetch.source()) + " " + fetch.failure()), fetch.until());
    }
    return null;
  }

  private Verdict ocspRefusal(OcspAnswer answer, String who, int index, List<X509Certificate> path,
      List<X509Certificate> offered, Purpose purpose) {
    String subject = Sentences.which(index, path, purpose);
    String serial = " (serial " + path.get(index).getSerialNumber().toString(16) + ")";
    if (answer.status() == OcspAnswer.Status.REVOKED) {
      return Verdict.refused(Reason.REVOKED, subject + serial + " was revoked on "
          + Sentences.time(answer.revokedAt().orElseThrow()) + " (reason " + Sentences.reason(answer.reason()
          .orElse(null)) + "), says " + who, purpose, offered, index, generation);
    }
    return Verdict.refused(Reason.REVOCATION_UNKNOWN, who + " does not know " + subject + serial
        + " (status unknown): it was not issued by the CA the responder answers for, or not recorded", purpose,
        offered, index, generation);
  }

  /**
   * Validates {@code path} with PKIX and then, when {@code checkRevocation}, applies to each certificate the CRL
   * {@code crlSet} selects for it. The statuses no CRL decided are left open (the CA closest to the anchor first).
   *
   * <p>The CRLs are applied here rather than by the JDK's revocation checker: that checker fetches CRLs from the
   * distribution points a certificate names by itself, with its own timeouts, whenever no CRL covers it. Network
   * access belongs to the {@link RevocationSource}, which bounds it.
   */
  private Validation validate(List<X509Certificate> offered, List<X509Certificate> path, CrlSet crlSet,
      boolean checkRevocation, Purpose purpose, Instant at) {
    List<CrlSet.Selection> selections = checkRevocation ? selectCrls(crlSet, path, at) : List.of();
    X509Certificate anchor;
    try {
      CertPathValidator validator = CertPathValidator.getInstance("PKIX");
      PKIXParameters parameters = new PKIXParameters(pkixAnchors);
      parameters.setDate(Date.from(at));
      parameters.setRevocationEnabled(false);
      parameters.setCertPathCheckers(List.of(new AlgorithmChecker(algorithms), new PurposeChecker(purpose,
          path.size())));
      CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
      PKIXCertPathValidatorResult result = (PKIXCertPathValidatorResult) validator.validate(certPath, parameters);
      anchor = result.getTrustAnchor().getTrustedCert();
    } catch (CertPathValidatorException e) {
      return new Validation(refused(e, offered, path, purpose), null, crlSet, selections, List.of());
    } catch (GeneralSecurityException e) {
      return new Validation(Verdict.refused(Reason.INVALID_CERTIFICATE, Sentences.which(0, path, purpose)
          + " cannot be validated: " + SafeText.escape(e.getMessage()), purpose, offered, 0, generation), null,
          crlSet, selections, List.of());
    }
    List<Integer> open = new ArrayList<>();
    for (int index = path.size() - 1; index >= 0 && checkRevocation; index--) {
      CrlSet.Selection selection = selections.get(index);
      if (selection.status() != CrlSet.Selection.Status.CURRENT) {
        open.add(index);
        continue;
      }
      X509Certificate issuer = index + 1 < path.size() ? path.get(index + 1) : anchor;
      Verdict revoked = applyCrl(selection.crl(), index, path, issuer, offered, purpose);
      if (revoked != null) {
        return new Validation(revoked, anchor, crlSet, selections, List.of());
      }
    }
    return new Validation(null, anchor, crlSet, selections, open);
  }

  /** A refusal when {@code crl} (signed by the issuer's key, in scope, current) lists the certificate at index. */
  private Verdict applyCrl(X509CRL crl, int index, List<X509Certificate> path, X509Certificate issuer,
      List<X509Certificate> offered, Purpose purpose) {
    X509Certificate certificate = path.get(index);
    Optional<String> weak = algorithms.problemWithCrl(crl);
    if (weak.isPresent()) {
      return Verdict.refused(Reason.WEAK_ALGORITHM, Sentences.crl(crl) + " " + weak.get() + ", so it cannot say"
          + " whether " + Sentences.which(index, path, purpose) + " is revoked", purpose, offered, index, generation);
    }
    X509CRLEntry entry = crl.getRevokedCertificate(certificate);
    // removeFromCRL only means something in a delta CRL, which this verifier refuses to load.
    if (entry == null || entry.getRevocationReason() == CRLReason.REMOVE_FROM_CRL) {
      return null;
    }
    return Verdict.refused(Reason.REVOKED, Sentences.which(index, path, purpose) + " (serial "
        + certificate.getSerialNumber().toString(16) + ") was revoked on "
        + Sentences.time(entry.getRevocationDate().toInstant()) + " (reason "
        + Sentences.reason(entry.getRevocationReason()) + ") by " + Sentences.name(issuer), purpose, offered, index,
        generation);
  }

  /**
   * The path to validate: the offered chain without trailing copies of our own anchors when it is in issuing order
   * (as TLS 1.2 requires and nearly every peer sends), else what the JDK's path builder makes of it; null if none.
   */
  private List<X509Certificate> proposedPath(List<X509Certificate> offered, Instant at) {
    List<X509Certificate> path = new ArrayList<>(offered);
    while (path.size() > 1 && anchors.certificates().contains(path.get(path.size() - 1))) {
      path.remove(path.size() - 1);
    }
    boolean ordered = true;
    for (int i = 0; i + 1 < path.size() && ordered; i++) {
      ordered = path.get(i).getIssuerX500Principal().equals(path.get(i + 1).getSubjectX500Principal());
    }
    if (ordered) {
      return path;
    }
    try {
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(offered.get(0));
      PKIXBuilderParameters parameters = new PKIXBuilderParameters(pkixAnchors, target);
      parameters.setDate(Date.from(at));
      parameters.setRevocationEnabled(false);
      parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(offered)));
      PKIXCertPathBuilderResult built = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX")
          .build(parameters);
      List<X509Certificate> result = new ArrayList<>();
      built.getCertPath().getCertificates().forEach(c -> result.add((X509Certificate) c));
      return result;
    } catch (CertPathBuilderException | InvalidAlgorithmParameterException e) {
      return null;
    } catch (GeneralSecurityException e) {
      return null;
    }
  }

  /** For each certificate of the path, the CRL of its issuer (the next certificate, or the anchor that signed it). */
  private List<CrlSet.Selection> selectCrls(CrlSet crlSet, List<X509Certificate> path, Instant at) {
    List<CrlSet.Selection> selections = new ArrayList<>();
    for (int i = 0; i < path.size(); i++) {
      X509Certificate issuer = i + 1 < path.size() ? path.get(i + 1) : anchorThatSigned(path.get(i));
      selections.add(issuer == null || crlSet.isEmpty() ? new CrlSet.Selection(CrlSet.Selection.Status.NONE, null)
          : crlSet.select(path.get(i), issuer, at));
    }
    return selections;
  }

  private X509Certificate anchorThatSigned(X509Certificate certificate) {
    for (X509Certificate anchor : anchors.certificates()) {
      if (anchor.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
        try {
          certificate.verify(anchor.getPublicKey());
          return anchor;
        } catch (GeneralSecurityException e) {
          // Another key under the same name: not this certificate's issuer.
        }
      }
    }
    return null;
  }

  private Verdict accepted(List<X509Certificate> offered, List<X509Certificate> path, Validation validation,
      OnlineStatus online, Purpose purpose, Instant at) {
    List<String> notes = new ArrayList<>();
    List<StatusCheck> checks = new ArrayList<>();
    X509Certificate anchor = validation.anchor();
    Instant validFrom = Instant.MIN;
    Instant validUntil = Instant.MAX;
    for (X509Certificate certificate : path) {
      validFrom = later(validFrom, certificate.getNotBefore().toInstant());
      // A certificate is valid through its notAfter second; a CRL only until its nextUpdate.
      validUntil = earlier(validUntil, certificate.getNotAfter().toInstant().plusMillis(1));
    }
    boolean checking = !validation.selections().isEmpty() || !validation.open().isEmpty();
    if (!checking) {
      notes.add("revocation not checked: no CRL or OCSP responder is configured");
    }
    for (int index = path.size() - 1; index >= 0 && checking; index--) {
      CrlSet.Selection selection = index < validation.selections().size() ? validation.selections().get(index)
          : null;
      if (!validation.open().contains(index)) {
        // PKIX applied a current CRL to this certificate: it is not revoked.
        String source = validation.crls().sourceOf(selection.crl());
        Instant until = earlier(selection.crl().getNextUpdate().toInstant(),
            online.fetchedUntil.getOrDefault(source, Instant.MAX));
        validFrom = later(validFrom, selection.crl().getThisUpdate().toInstant().minus(CrlSet.SKEW));
        validUntil = earlier(validUntil, until);
        checks.add(new StatusCheck(index, StatusCheck.Source.CRL, source, until));
        continue;
      }
      StatusCheck answered = online.answered.get(index);
      if (answered != null) {
        validUntil = earlier(validUntil, answered.until());
        checks.add(answered);
        continue;
      }
      String subject = Sentences.which(index, path, purpose);
      X509Certificate issuer = index + 1 < path.size() ? path.get(index + 1) : anchor;
      String issuerName = Sentences.name(issuer);
      if (selection != null && selection.status() == CrlSet.Selection.Status.STALE) {
        return Verdict.refused(Reason.CRL_STALE, "the newest CRL signed by " + issuerName + " (number "
            + CrlSet.number(selection.crl()) + ") was due to be replaced at its nextUpdate "
            + Sentences.time(selection.crl().getNextUpdate().toInstant()) + ", so whether " + subject
            + " is revoked is not known", purpose, offered, index, generation);
      }
      if (selection != null && selection.status() == CrlSet.Selection.Status.FUTURE) {
        return Verdict.refused(Reason.REVOCATION_UNKNOWN, "the CRLs signed by " + issuerName
            + " are not valid yet (thisUpdate " + Sentences.time(selection.crl().getThisUpdate().toInstant())
            + "; is a clock wrong?), so whether " + subject + " is revoked cannot be checked", purpose, offered,
            index, generation);
      }
      if (selection != null && selection.status() == CrlSet.Selection.Status.CURRENT) {
        return Verdict.refused(Reason.REVOCATION_UNKNOWN, Sentences.crl(selection.crl()) + " could not be applied to "
            + subject, purpose, offered, index, generation);
      }
      List<String> failures = online.failures.get(index);
      if (failures != null) {
        String unknown = "whether " + subject + " is revoked cannot be checked: " + String.join("; ", failures);
        if (this.online == null || this.online.whenUnavailable() == UnavailablePolicy.HARD_FAIL) {
          return Verdict.refused(Reason.REVOCATION_UNKNOWN, unknown + " (revocation-unavailable: hard-fail)",
              purpose, offered, index, generation);
        }
        notes.add(unknown + " (revocation-unavailable: soft-fail)");
        Instant retry = online.retryAt.getOrDefault(index, Instant.MAX);
        validUntil = earlier(validUntil, retry);
        checks.add(new StatusCheck(index, StatusCheck.Source.UNAVAILABLE, String.join("; ", failures), retry));
        if (reportedMissing.add("unavailable " + issuerName)) {
          LOG.warn("accepting certificates issued by {} although their revocation status cannot be checked"
              + " (revocation-unavailable: soft-fail): {}", issuerName, String.join("; ", failures));
        }
        continue;
      }
      if (!checksRevocation()) {
        notes.add("revocation of " + subject + " not checked: no CRL or OCSP responder is configured");
        checks.add(new StatusCheck(index, StatusCheck.Source.NOT_CHECKED, "", null));
        continue;
      }
      String missing = "no CRL signed by " + issuerName + " is configured" + (this.online == null ? ""
          : " and no OCSP responder or CRL distribution point applies") + ", so whether " + subject
          + " is revoked cannot be checked";
      if (missingCrl == MissingCrlPolicy.REFUSE) {
        return Verdict.refused(Reason.REVOCATION_UNKNOWN, missing + " (missing-crl: refuse)", purpose, offered,
            index, generation);
      }
      notes.add(missing + " (missing-crl: accept)");
      checks.add(new StatusCheck(index, StatusCheck.Source.UNAVAILABLE, "", null));
      if (reportedMissing.add(issuerName)) {
        LOG.warn("accepting certificates issued by {} without a revocation check: no CRL signed by its key is"
            + " configured (missing-crl: accept)", issuerName);
      }
    }
    checks.sort(Comparator.comparingInt(StatusCheck::index));
    return Verdict.trusted(purpose, offered, path, anchor, validFrom, validUntil, generation, notes, checks);
  }

  private Verdict refused(CertPathValidatorException e, List<X509Certificate> offered, List<X509Certificate> path,
      Purpose purpose) {
    int index = e.getIndex();
    X509Certificate certificate = index >= 0 && index < path.size() ? path.get(index) : null;
    String subject = Sentences.which(index, path, purpose);
    CertPathValidatorException.Reason why = e.getReason();
    String jdk = SafeText.escape(String.valueOf(e.getMessage()));
    if (why instanceof ProjectReason project) {
      return Verdict.refused(project.reason(), subject + " " + e.getMessage(), purpose, offered, index, generation);
    }
    if (why == BasicReason.EXPIRED && certificate != null) {
      return refusal(Reason.EXPIRED, subject + " expired on " + Sentences.time(certificate.getNotAfter().toInstant()),
          offered, index, purpose);
    }
    if (why == BasicReason.NOT_YET_VALID && certificate != null) {
      return refusal(Reason.NOT_YET_VALID, subject + " is not valid before "
          + Sentences.time(certificate.getNotBefore().toInstant()), offered, index, purpose);
    }
    if (why == BasicReason.REVOKED) {
      String detail = "";
      if (e.getCause() instanceof CertificateRevokedException revoked) {
        detail = " on " + Sentences.time(revoked.getRevocationDate().toInstant()) + " (reason "
            + Sentences.reason(revoked.getRevocationReason()) + ") by " + Sentences.name(revoked.getAuthorityName());
      }
      String serial = certificate == null ? "" : " (serial " + certificate.getSerialNumber().toString(16) + ")";
      return refusal(Reason.REVOKED, subject + serial + " was revoked" + detail, offered, index, purpose);
    }
    if (why == BasicReason.ALGORITHM_CONSTRAINED) {
      Optional<String> ours = certificate == null ? Optional.empty() : algorithms.problemWith(certificate);
      return refusal(Reason.WEAK_ALGORITHM, subject + " " + ours.orElse("is refused by the JDK's algorithm"
          + " constraints: " + jdk), offered, index, purpose);
    }
    if (why == PKIXReason.NO_TRUST_ANCHOR || (why == BasicReason.INVALID_SIGNATURE && index == path.size() - 1)) {
      return refusal(Reason.UNTRUSTED_ISSUER, untrusted(path, purpose), offered, path.size() - 1, purpose);
    }
    if (why == BasicReason.INVALID_SIGNATURE) {
      return refusal(Reason.BAD_SIGNATURE, subject + " has a signature that does not verify with the key of "
          + Sentences.name(path.get(index + 1)) + ", the next certificate offered", offered, index, purpose);
    }
    if (why == PKIXReason.NAME_CHAINING) {
      return refusal(Reason.UNTRUSTED_ISSUER, "the certificates offered do not chain: " + subject
          + " was not issued by the next one", offered, index, purpose);
    }
    if (why == PKIXReason.NOT_CA_CERT) {
      return refusal(Reason.NOT_A_CA, subject + " signed another certificate but is not a CA (its basic"
          + " constraints do not say CA:TRUE)", offered, index, purpose);
    }
    if (why == PKIXReason.INVALID_KEY_USAGE && certificate != null && certificate.getBasicConstraints() >= 0) {
      return refusal(Reason.KEY_USAGE, subject + " signed another certificate but its key usage lacks keyCertSign",
          offered, index, purpose);
    }
    if (why == PKIXReason.INVALID_KEY_USAGE) {
      return refusal(Reason.KEY_USAGE, subject + " has a key usage that does not allow this: " + jdk, offered, index,
          purpose);
    }
    if (why == PKIXReason.PATH_TOO_LONG) {
      return refusal(Reason.PATH_TOO_LONG, pathTooLong(index, path, purpose), offered, index, purpose);
    }
    if (why == PKIXReason.INVALID_NAME) {
      X509Certificate issuer = index + 1 < path.size() ? path.get(index + 1) : null;
      return refusal(Reason.NAME_CONSTRAINTS, subject + " has a name outside the name constraints of "
          + (issuer == null ? "the trust anchor" : "its issuer " + Sentences.name(issuer)), offered, index, purpose);
    }
    if (why == PKIXReason.UNRECOGNIZED_CRIT_EXT) {
      Set<String> unknown = new HashSet<>();
      if (certificate != null && certificate.getCriticalExtensionOIDs() != null) {
        unknown.addAll(certificate.getCriticalExtensionOIDs());
        unknown.removeAll(KNOWN_EXTENSIONS);
      }
      return refusal(Reason.UNKNOWN_CRITICAL_EXTENSION, subject + " has the critical extension "
          + (unknown.isEmpty() ? "(unnamed)" : String.join(", ", new java.util.TreeSet<>(unknown)))
          + ", which this verifier does not understand; a certificate with an unknown critical extension must be"
          + " refused", offered, index, purpose);
    }
    if (why == PKIXReason.INVALID_POLICY) {
      return refusal(Reason.POLICY, subject + " does not satisfy the certificate policy: " + jdk, offered, index,
          purpose);
    }
    return refusal(Reason.INVALID_CERTIFICATE, subject + " is invalid: " + jdk, offered, index, purpose);
  }

  private Verdict refusal(Reason reason, String sentence, List<X509Certificate> offered, int index, Purpose purpose) {
    return Verdict.refused(reason, sentence, purpose, offered, index, generation);
  }

  private String untrusted(List<X509Certificate> path, Purpose purpose) {
    int top = path.size() - 1;
    X509Certificate last = path.get(top);
    String subject = Sentences.which(top, path, purpose);
    String issuer = Sentences.name(last.getIssuerX500Principal());
    for (X509Certificate anchor : anchors.certificates()) {
      if (anchor.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
        return subject + " names the trust anchor " + issuer + " as its issuer, but that anchor's key did not sign"
            + " it: a CA with the same name but another key is a different CA";
      }
    }
    if (last.getSubjectX500Principal().equals(last.getIssuerX500Principal()) && top > 0) {
      return "the chain ends at " + subject + ", a CA that is not among the trust anchors";
    }
    return subject + " was issued by " + issuer + ", which is not a trust anchor here"
        + (top == 0 ? " (or the peer left out its intermediate CA certificate)" : "");
  }

  private static String pathTooLong(int index, List<X509Certificate> path, Purpose purpose) {
    String subject = Sentences.which(index, path, purpose);
    for (int j = index + 1; j < path.size(); j++) {
      int allowed = path.get(j).getBasicConstraints();
      // CA certificates between the leaf and certificate j: positions 1 .. j-1.
      if (allowed >= 0 && allowed != Integer.MAX_VALUE && j - 1 > allowed) {
        return subject + " is a CA below " + Sentences.name(path.get(j)) + ", whose pathLen " + allowed + " allows "
            + (allowed == 0 ? "no CA" : allowed == 1 ? "one CA" : allowed + " CAs") + " below it";
      }
    }
    return subject + " is more CAs below the trust anchor than a pathLen above it allows";
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  @Override
  public String toString() {
    return "Trust[generation " + generation + ", " + anchors.certificates().size() + " anchor(s), " + crls
        + ", missing CRL: " + missingCrl.name().toLowerCase(java.util.Locale.ROOT) + "]";
  }
}
