package dev.mtls.pki.material.internal.renewal;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.renewal.RenewalFailure;
import dev.mtls.pki.material.trust.OwnCertificate;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Verdict;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x509.Extension;

/**
 * Whether the CA's answer is the certificate we asked for, before anything is written: for the new key, with the
 * current subject and SANs, signed by the key that signed the current certificate (or by a trust anchor), usable
 * for our purpose. The chain written is the new leaf with the current chain's intermediates.
 */
final class IssuedAnswer {
  /** A CA's clock may run a little ahead of ours: a certificate valid within this is accepted. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private IssuedAnswer() {}

  static List<X509Certificate> chain(List<X509Certificate> answer, PublicKey newKey, Identity current,
      Collection<X509Certificate> anchors, Purpose purpose, Instant now) throws EnrolmentException {
    X509Certificate leaf = answer.stream()
        .filter(c -> Arrays.equals(c.getPublicKey().getEncoded(), newKey.getEncoded())).findFirst()
        .orElseThrow(() -> bad("the CA's answer (" + answer.size() + " certificates) holds none for the new key"));
    X509Certificate old = current.certificate();
    if (!leaf.getSubjectX500Principal().equals(old.getSubjectX500Principal())) {
      throw bad("the CA issued a certificate for another subject than the current one");
    }
    String sans = Extension.subjectAlternativeName.getId();
    if (!Arrays.equals(old.getExtensionValue(sans), leaf.getExtensionValue(sans))) {
      throw bad("the CA issued a certificate with other subject alternative names than the current one");
    }
    List<X509Certificate> issuers = new ArrayList<>();
    if (current.chain().size() > 1) {
      issuers.add(current.chain().get(1));
    }
    issuers.addAll(anchors);
    if (issuers.stream().noneMatch(issuer -> signedBy(leaf, issuer.getPublicKey()))) {
      throw bad("the new certificate is not signed by the CA that signed the current one");
    }
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(leaf);
    chain.addAll(current.chain().subList(1, current.chain().size()));
    Instant notBefore = leaf.getNotBefore().toInstant();
    if (notBefore.isAfter(now.plus(CLOCK_SKEW))) {
      throw bad("the new certificate is valid only from " + notBefore + ": is the CA's clock right?");
    }
    Optional<Verdict> problem = OwnCertificate.check(chain, purpose, notBefore.isAfter(now) ? notBefore : now);
    if (problem.isPresent()) {
      throw bad("the new certificate is not usable: " + problem.get().describe());
    }
    return List.copyOf(chain);
  }

  private static boolean signedBy(X509Certificate certificate, PublicKey key) {
    try {
      certificate.verify(key);
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static EnrolmentException bad(String message) {
    return new EnrolmentException(RenewalFailure.BAD_ANSWER, message);
  }
}
