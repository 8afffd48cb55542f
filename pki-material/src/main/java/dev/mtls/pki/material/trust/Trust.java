package dev.mtls.pki.material.trust;

import dev.mtls.pki.material.KeyMaterialException;
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
import java.security.cert.PKIXCertPathChecker;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.EnumSet;
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
 * Whom we trust, at one moment: trust anchors, the CRLs we know, what to do about a CA without a CRL, and the
 * {@link AlgorithmPolicy}. {@link #verify} is the project's one trust decision, made the same way by the server
 * (for clients), the client (for servers, and for its own certificate before it connects) and {@code pki verify}:
 *
 * <ol>
 *   <li>the JDK's PKIX validator checks the path from the leaf to a trust anchor: signatures, validity dates,
 *       basic constraints and pathLen, name constraints, key usage of CAs, critical extensions;
 *   <li>inside the same validation, on the same path, the algorithm policy checks every certificate, the leaf
 *       must be an end-entity certificate for the purpose, and the JDK's revocation checker applies, for every
 *       certificate, the newest CRL its issuer's key signed ({@link CrlSet}).
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
  private final long generation;
  private final Map<CacheKey, Verdict> verdicts = new ConcurrentHashMap<>();
  private final Set<String> reportedMissing = ConcurrentHashMap.newKeySet();

  private Trust(TrustAnchors anchors, CrlSet crls, MissingCrlPolicy missingCrl, AlgorithmPolicy algorithms) {
    this.anchors = Objects.requireNonNull(anchors, "anchors == null");
    this.crls = Objects.requireNonNull(crls, "crls == null");
    this.missingCrl = Objects.requireNonNull(missingCrl, "missingCrl == null");
    this.algorithms = Objects.requireNonNull(algorithms, "algorithms == null");
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
    return new Trust(anchors, CrlSet.NONE, MissingCrlPolicy.REFUSE, AlgorithmPolicy.STRICT);
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
    return new Trust(anchors, crls, missingCrl, AlgorithmPolicy.STRICT);
  }

  /** This trust with other anchors: a new generation. */
  public Trust withAnchors(TrustAnchors anchors) {
    return new Trust(anchors, crls, missingCrl, algorithms);
  }

  /** This trust with other CRLs: a new generation. */
  public Trust withCrls(CrlSet crls) {
    return new Trust(anchors, crls, missingCrl, algorithms);
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
    if (chain == null || chain.isEmpty()) {
      return Verdict.refused(Reason.NO_CERTIFICATE, Verdict.noCertificate(purpose).sentence(), purpose, List.of(),
          -1, generation);
    }
    CacheKey key = new CacheKey(purpose, List.copyOf(chain));
    Verdict known = verdicts.get(key);
    if (known != null && known.holdsAt(at)) {
      return known;
    }
    Verdict verdict = decide(key.chain(), purpose, at);
    if (verdict.isTrusted()) {
      if (verdicts.size() >= CACHE_LIMIT) {
        verdicts.clear();
      }
      verdicts.put(key, verdict);
    }
    return verdict;
  }

  private Verdict decide(List<X509Certificate> offered, Purpose purpose, Instant at) {
    List<X509Certificate> path = proposedPath(offered, at);
    if (path == null) {
      return Verdict.refused(Reason.UNTRUSTED_ISSUER, "no path from " + purpose.leafNoun() + " "
          + Sentences.name(offered.get(0)) + " to a trust anchor can be built from the " + offered.size()
          + " certificates offered", purpose, offered, 0, generation);
    }
    List<CrlSet.Selection> selections = selectCrls(path, at);
    PKIXRevocationChecker revocation = null;
    try {
      CertPathValidator validator = CertPathValidator.getInstance("PKIX");
      PKIXParameters parameters = new PKIXParameters(pkixAnchors);
      parameters.setDate(Date.from(at));
      List<PKIXCertPathChecker> checkers = new ArrayList<>();
      checkers.add(new AlgorithmChecker(algorithms));
      checkers.add(new PurposeChecker(purpose, path.size()));
      if (!crls.isEmpty()) {
        revocation = (PKIXRevocationChecker) validator.getRevocationChecker();
        // Soft-fail only to learn every certificate whose status is open; the decision on those is ours, below.
        revocation.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS,
            PKIXRevocationChecker.Option.NO_FALLBACK, PKIXRevocationChecker.Option.SOFT_FAIL));
        List<X509CRL> current = new ArrayList<>();
        for (CrlSet.Selection selection : selections) {
          if (selection.status() == CrlSet.Selection.Status.CURRENT && !current.contains(selection.crl())) {
            current.add(selection.crl());
          }
        }
        parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(current)));
        checkers.add(revocation);
      }
      parameters.setRevocationEnabled(revocation != null);
      parameters.setCertPathCheckers(checkers);
      CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
      PKIXCertPathValidatorResult result = (PKIXCertPathValidatorResult) validator.validate(certPath, parameters);
      return accepted(offered, path, result.getTrustAnchor().getTrustedCert(), selections,
          revocation == null ? List.of() : revocation.getSoftFailExceptions(), purpose, at);
    } catch (CertPathValidatorException e) {
      return refused(e, offered, path, purpose);
    } catch (GeneralSecurityException e) {
      return Verdict.refused(Reason.INVALID_CERTIFICATE, Sentences.which(0, path, purpose) + " cannot be validated: "
          + dev.mtls.pki.material.SafeText.escape(e.getMessage()), purpose, offered, 0, generation);
    }
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
  private List<CrlSet.Selection> selectCrls(List<X509Certificate> path, Instant at) {
    List<CrlSet.Selection> selections = new ArrayList<>();
    if (crls.isEmpty()) {
      return selections;
    }
    for (int i = 0; i < path.size(); i++) {
      X509Certificate issuer = i + 1 < path.size() ? path.get(i + 1) : anchorThatSigned(path.get(i));
      selections.add(issuer == null ? new CrlSet.Selection(CrlSet.Selection.Status.NONE, null)
          : crls.select(path.get(i), issuer, at));
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

  private Verdict accepted(List<X509Certificate> offered, List<X509Certificate> path, X509Certificate anchor,
      List<CrlSet.Selection> selections, List<CertPathValidatorException> openStatus, Purpose purpose, Instant at) {
    List<String> notes = new ArrayList<>();
    if (crls.isEmpty()) {
      notes.add("revocation not checked: no CRL is configured");
    }
    // The CA closest to the anchor first, as PKIX walks the path.
    List<CertPathValidatorException> open = new ArrayList<>(openStatus);
    open.sort(Comparator.comparingInt(CertPathValidatorException::getIndex).reversed());
    for (CertPathValidatorException status : open) {
      int index = status.getIndex();
      CrlSet.Selection selection = index >= 0 && index < selections.size() ? selections.get(index) : null;
      String subject = Sentences.which(index, path, purpose);
      X509Certificate issuer = index + 1 < path.size() ? path.get(index + 1) : anchor;
      String issuerName = Sentences.name(issuer);
      if (selection == null || selection.status() == CrlSet.Selection.Status.NONE) {
        String missing = "no CRL signed by " + issuerName + " is configured, so whether " + subject
            + " is revoked cannot be checked";
        if (missingCrl == MissingCrlPolicy.REFUSE) {
          return Verdict.refused(Reason.REVOCATION_UNKNOWN, missing + " (missing-crl: refuse)", purpose, offered,
              index, generation);
        }
        notes.add(missing + " (missing-crl: accept)");
        if (reportedMissing.add(issuerName)) {
          LOG.warn("accepting certificates issued by {} without a revocation check: no CRL signed by its key is"
              + " configured (missing-crl: accept)", issuerName);
        }
      } else if (selection.status() == CrlSet.Selection.Status.STALE) {
        return Verdict.refused(Reason.CRL_STALE, "the newest CRL signed by " + issuerName + " (number "
            + CrlSet.number(selection.crl()) + ") was due to be replaced at its nextUpdate "
            + Sentences.time(selection.crl().getNextUpdate().toInstant()) + ", so whether " + subject
            + " is revoked is not known", purpose, offered, index, generation);
      } else if (selection.status() == CrlSet.Selection.Status.FUTURE) {
        return Verdict.refused(Reason.REVOCATION_UNKNOWN, "the CRLs signed by " + issuerName
            + " are not valid yet (thisUpdate " + Sentences.time(selection.crl().getThisUpdate().toInstant())
            + "; is a clock wrong?), so whether " + subject + " is revoked cannot be checked", purpose, offered,
            index, generation);
      } else {
        return Verdict.refused(Reason.REVOCATION_UNKNOWN, Sentences.crl(selection.crl()) + " could not be applied to "
            + subject + ": " + dev.mtls.pki.material.SafeText.escape(status.getMessage()), purpose, offered, index,
            generation);
      }
    }
    Instant validFrom = Instant.MIN;
    Instant validUntil = Instant.MAX;
    for (X509Certificate certificate : path) {
      validFrom = later(validFrom, certificate.getNotBefore().toInstant());
      // A certificate is valid through its notAfter second; a CRL only until its nextUpdate.
      validUntil = earlier(validUntil, certificate.getNotAfter().toInstant().plusMillis(1));
    }
    for (CrlSet.Selection selection : selections) {
      if (selection.status() == CrlSet.Selection.Status.CURRENT) {
        validFrom = later(validFrom, selection.crl().getThisUpdate().toInstant().minus(CrlSet.SKEW));
        validUntil = earlier(validUntil, selection.crl().getNextUpdate().toInstant());
      }
    }
    return Verdict.trusted(purpose, offered, path, anchor, validFrom, validUntil, generation, notes);
  }

  private Verdict refused(CertPathValidatorException e, List<X509Certificate> offered, List<X509Certificate> path,
      Purpose purpose) {
    int index = e.getIndex();
    X509Certificate certificate = index >= 0 && index < path.size() ? path.get(index) : null;
    String subject = Sentences.which(index, path, purpose);
    CertPathValidatorException.Reason why = e.getReason();
    String jdk = dev.mtls.pki.material.SafeText.escape(String.valueOf(e.getMessage()));
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
