package dev.mtls.pki.material.internal.trust;

import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Reason;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * The path a peer's certificates propose, for PKIX to decide on: the offered chain without trailing copies of our
 * own anchors when it is in issuing order (as TLS 1.2 requires and nearly every peer sends), else what the JDK's
 * path builder makes of it.
 */
public final class ProposedPath {
  private ProposedPath() {}

  /** The path from {@code offered} (leaf first) towards {@code anchors}; empty when none can be built. */
  public static Optional<List<X509Certificate>> from(List<X509Certificate> offered, PkixAnchors anchors, Instant at) {
    List<X509Certificate> path = new ArrayList<>(offered);
    while (path.size() > 1 && anchors.contains(path.get(path.size() - 1))) {
      path.remove(path.size() - 1);
    }
    boolean ordered = true;
    for (int i = 0; i + 1 < path.size() && ordered; i++) {
      ordered = path.get(i).getIssuerX500Principal().equals(path.get(i + 1).getSubjectX500Principal());
    }
    return ordered ? Optional.of(path) : built(offered, anchors, at);
  }

  /** The refusal when no path can be built from {@code offered}. */
  public static Refusal unbuildable(List<X509Certificate> offered, Purpose purpose) {
    return new Refusal(Reason.UNTRUSTED_ISSUER, "no path from " + Sentences.leaf(purpose) + " "
        + Sentences.name(offered.get(0)) + " to a trust anchor can be built from the " + offered.size()
        + " certificates offered", 0);
  }

  private static Optional<List<X509Certificate>> built(List<X509Certificate> offered, PkixAnchors anchors,
      Instant at) {
    try {
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(offered.get(0));
      PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors.asPkix(), target);
      parameters.setDate(Date.from(at));
      parameters.setRevocationEnabled(false);
      parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(offered)));
      PKIXCertPathBuilderResult built = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX")
          .build(parameters);
      List<X509Certificate> result = new ArrayList<>();
      built.getCertPath().getCertificates().forEach(c -> result.add((X509Certificate) c));
      return Optional.of(result);
    } catch (GeneralSecurityException e) {
      return Optional.empty();
    }
  }
}
