package dev.mtls.pki;

import java.io.UncheckedIOException;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * A CA directory's CRLs, kept current for relying parties that fetch them ({@link PublicationServer}). New CRLs are
 * signed by {@link CaDirectory#signCrls} (the next CRL numbers) when the indexes list a revocation the last CRLs
 * lack, and when the last CRLs have passed half their validity: a relying party then never fetches a CRL about to go
 * out of date. Between those, every caller gets the same CRLs, and the indexes are read again only when they
 * changed: a fetch costs a look at two files. They are kept here only: crl.pem, which servers may read and which
 * must outlast this publisher, is {@link CaDirectory#refreshCrlFile}'s.
 */
public final class CrlPublisher {
  /** nextUpdate - thisUpdate when none is given: a revocation reaches a relying party that caches within the hour. */
  public static final Duration DEFAULT_VALIDITY = Duration.ofHours(1);

  private final CaDirectory ca;
  private final Duration validity;
  private final Clock clock;
  private CaDirectory.PublishedCrls published;
  /** The versions of the indexes {@link #published} was last found to match, so as not to compare them again. */
  private IndexSnapshot matchedIssued;
  private IndexSnapshot matchedRoot;

  /** Publishes the CRLs of {@code ca} (opened with its password), each valid for {@code validity}. */
  public CrlPublisher(CaDirectory ca, Duration validity, Clock clock) {
    this.ca = Objects.requireNonNull(ca, "ca == null");
    this.validity = Objects.requireNonNull(validity, "validity == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("CRL validity must be positive, got " + validity);
    }
    ca.issuing();
  }

  /**
   * The CRLs to publish now: the last ones, or new ones when those are stale. When new ones cannot be signed (another
   * pki command holds the CA's lock, the disk refuses) the last ones serve until their nextUpdate, and the next call
   * tries again; past it, or before any were signed, the failure is thrown.
   */
  public synchronized CaDirectory.PublishedCrls current() {
    if (published == null || isStale(published)) {
      try {
        published = ca.signCrls(validity);
        matchedIssued = null;
        matchedRoot = null;
      } catch (IllegalStateException | UncheckedIOException e) {
        if (published == null || !clock.instant().isBefore(published.issuing().getNextUpdate().toInstant())) {
          throw e;
        }
      }
    }
    return published;
  }

  /**
   * How long from now a cache may keep {@code crl}: until this publisher would sign its successor (half way through
   * its validity), so never up to its nextUpdate; zero once that time has passed.
   */
  public Duration freshFor(X509CRL crl) {
    Duration left = Duration.between(clock.instant(), CaCrls.halfLife(crl));
    return left.isNegative() ? Duration.ZERO : left;
  }

  private boolean isStale(CaDirectory.PublishedCrls crls) {
    if (!clock.instant().isBefore(CaCrls.halfLife(crls.issuing()))) {
      return true;
    }
    IndexSnapshot issued = ca.issuedSnapshot();
    IndexSnapshot root = ca.rootSnapshot();
    if (issued == matchedIssued && root == matchedRoot) {
      return false;
    }
    if (!CaCrls.lists(crls, issued.entries(), root.entries())) {
      return true;
    }
    matchedIssued = issued;
    matchedRoot = root;
    return false;
  }
}
