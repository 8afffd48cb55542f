package dev.mtls.pki.material.internal.trust;

import dev.mtls.pki.material.trust.CrlSet;
import dev.mtls.pki.material.trust.StatusCheck;
import java.security.cert.X509CRL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the stapled responses and the online source said about the certificates of one path whose status no CRL file
 * decided: the answers that decided, why the others could not be had and when to ask again, and the CRLs fetched.
 */
public final class OnlineStatus {
  private final Map<Integer, StatusCheck> answered = new HashMap<>();
  private final Map<Integer, List<String>> failures = new HashMap<>();
  private final Map<Integer, Instant> retryAt = new HashMap<>();
  private final Map<String, List<X509CRL>> fetchedCrls = new LinkedHashMap<>();
  private final Map<String, Instant> fetchedUntil = new HashMap<>();

  void answered(StatusCheck check) {
    answered.put(check.index(), check);
  }

  /** The answer that decided for the certificate at {@code index}, or null. */
  StatusCheck answer(int index) {
    return answered.get(index);
  }

  void failed(int index, String why, Instant retry) {
    failures.computeIfAbsent(index, i -> new ArrayList<>()).add(why);
    retryAt.merge(index, retry, Instants::earlier);
  }

  /** Why no answer could be had for the certificate at {@code index}, or null when nothing failed. */
  List<String> failures(int index) {
    return failures.get(index);
  }

  Instant retryAt(int index) {
    return retryAt.getOrDefault(index, Instant.MAX);
  }

  void fetched(String source, List<X509CRL> crls, Instant until) {
    fetchedCrls.put(source, crls);
    fetchedUntil.put(source, until);
  }

  /** Until when the CRLs fetched from {@code source} may be relied on; {@link Instant#MAX} for CRL files. */
  Instant fetchedUntil(String source) {
    return fetchedUntil.getOrDefault(source, Instant.MAX);
  }

  public boolean hasFetchedCrls() {
    return !fetchedCrls.isEmpty();
  }

  /** {@code crls} with the fetched CRLs added, each source as its own. */
  public CrlSet withFetchedCrls(CrlSet crls) {
    CrlSet extended = crls;
    for (Map.Entry<String, List<X509CRL>> fetched : fetchedCrls.entrySet()) {
      extended = extended.with(fetched.getKey(), fetched.getValue());
    }
    return extended;
  }
}
