package dev.mtls.pki.material.internal.trust;

import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.AlgorithmPolicy;
import java.security.GeneralSecurityException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * The trust anchors as PKIX takes them: a name and a key each (the JDK's PKIX applies nothing else of an anchor's
 * certificate; {@link AnchorConstraints} does). An anchor whose key the algorithm policy refuses is an error.
 */
public final class PkixAnchors {
  private final List<X509Certificate> certificates;
  private final Set<TrustAnchor> anchors;

  public PkixAnchors(TrustAnchors anchors, AlgorithmPolicy algorithms) {
    Set<TrustAnchor> set = new LinkedHashSet<>();
    for (X509Certificate anchor : anchors.certificates()) {
      Optional<String> problem = algorithms.problemWithKey(anchor.getPublicKey());
      if (problem.isPresent()) {
        throw new KeyMaterialException("trust anchor " + Sentences.name(anchor) + " has " + problem.get()
            + "; it cannot be a trust anchor under this project's algorithm policy");
      }
      set.add(new TrustAnchor(anchor, null));
    }
    this.certificates = anchors.certificates();
    this.anchors = Set.copyOf(set);
  }

  Set<TrustAnchor> asPkix() {
    return anchors;
  }

  boolean contains(X509Certificate certificate) {
    return certificates.contains(certificate);
  }

  /**
   * The anchors PKIX could have ended a path at instead of {@code anchor}: those with its name and key (a CA's
   * renewed certificate next to its old one), {@code anchor} first.
   */
  List<X509Certificate> interchangeable(X509Certificate anchor) {
    List<X509Certificate> same = new ArrayList<>();
    same.add(anchor);
    for (X509Certificate other : certificates) {
      if (!other.equals(anchor) && other.getSubjectX500Principal().equals(anchor.getSubjectX500Principal())
          && other.getPublicKey().equals(anchor.getPublicKey())) {
        same.add(other);
      }
    }
    return same;
  }

  /** Whether some anchor has this subject, whatever its key. */
  boolean anyNamed(X500Principal subject) {
    return certificates.stream().anyMatch(anchor -> anchor.getSubjectX500Principal().equals(subject));
  }

  /** The anchor whose key signed {@code certificate}, or null. */
  X509Certificate thatSigned(X509Certificate certificate) {
    for (X509Certificate anchor : certificates) {
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
}
