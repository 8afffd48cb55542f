package dev.mtls.client.internal.diagnosis;

import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.revocation.OnlineRevocation;
import dev.mtls.pki.material.revocation.RevocationSettings;
import dev.mtls.pki.material.trust.CrlSet;
import dev.mtls.pki.material.trust.MissingCrlPolicy;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.pki.material.trust.UnavailablePolicy;
import dev.mtls.pki.material.trust.Verdict;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Asks our own CA whether it revoked our certificate, at the places our certificates name (the OCSP responder in
 * their Authority Information Access, the CRL distribution points): a server that refuses us says only
 * certificate_unknown (a JSSE server sends nothing else), but our CA's answer says why. Each question runs on a
 * thread of its own, bounded by the revocation timeout, and answers are kept until their nextUpdate (at most the
 * revocation max age), so requests never wait for it; a diagnosis may.
 *
 * <p>The answer must be signed by the key of the certificate's issuer (or a responder it authorised), on the path
 * PKIX validates to our trust anchors; when they do not know our CA, to the top of the chain we present, which is
 * our own material. Only "revoked" is used: a responder that is down or does not know us tells nothing.
 */
final class OwnRevocation implements AutoCloseable {
  /** Extensions that say where a certificate's status is published: Authority Information Access, CRL DPs. */
  private static final List<String> PUBLISHED_AT = List.of("1.3.6.1.5.5.7.1.1", "2.5.29.31");

  private final OnlineRevocation source = OnlineRevocation.builder().ocspFromCertificates().crlsFromCertificates()
      .timeout(RevocationSettings.REVOCATION_TIMEOUT.defaultValue())
      .whenUnavailable(UnavailablePolicy.HARD_FAIL).build();
  private ExecutorService asker;

  /** Whether any certificate of {@code chain} says where its status is published. */
  static boolean published(List<X509Certificate> chain) {
    return chain.stream().anyMatch(certificate -> PUBLISHED_AT.stream()
        .anyMatch(oid -> certificate.getExtensionValue(oid) != null));
  }

  /**
   * Starts asking about {@code chain} at {@code now}; the answer is the refusal when our CA revoked a certificate of
   * it, else empty. {@code ours} gives the anchors to validate the path with.
   */
  synchronized CompletableFuture<Optional<Verdict>> ask(List<X509Certificate> chain, Trust ours, Instant now) {
    if (asker == null) {
      asker = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "mtls-client-own-status");
        thread.setDaemon(true);
        return thread;
      });
    }
    return CompletableFuture.supplyAsync(() -> revoked(chain, ours, now), asker);
  }

  private Optional<Verdict> revoked(List<X509Certificate> chain, Trust ours, Instant now) {
    Verdict verdict = judge(chain, ours == null ? List.of() : ours.anchors().certificates(), now);
    if (verdict.reason() == Reason.UNTRUSTED_ISSUER && chain.size() > 1) {
      verdict = judge(chain, List.of(chain.get(chain.size() - 1)), now);
    }
    return verdict.reason() == Reason.REVOKED ? Optional.of(verdict) : Optional.empty();
  }

  private Verdict judge(List<X509Certificate> chain, List<X509Certificate> anchors, Instant now) {
    if (anchors.isEmpty()) {
      return Verdict.refusal(Reason.UNTRUSTED_ISSUER, Purpose.CLIENT, "no trust anchors");
    }
    return Trust.of(TrustAnchors.of(new ArrayList<>(anchors)), CrlSet.NONE, MissingCrlPolicy.REFUSE)
        .withRevocationSource(source).verify(chain, Purpose.CLIENT, now);
  }

  @Override
  public synchronized void close() {
    if (asker != null) {
      asker.shutdownNow();
    }
  }
}
