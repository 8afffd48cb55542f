package dev.mtls.pki;

import dev.mtls.pki.internal.est.EstHttpRefusal;
import dev.mtls.pki.internal.est.EstOperations;
import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.SubjectAltName;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.pki.material.trust.Verdict;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.security.auth.x500.X500Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CA's side of EST (RFC 7030), apart from HTTP ({@link PublicationServer.Builder#est} serves it): the first
 * certificate for a one-time {@link EnrolmentTokens enrolment token} ({@code simpleenroll}), and a new one for the
 * holder of a current certificate ({@code simplereenroll}). Every request is checked as {@code pki sign} checks a
 * CSR (proof of possession, key policy, name policy, profile) and issued through the CA directory, so that it is in
 * the index like any other and concurrent requests never share a serial. Each answer is an {@link EstEvent}; each
 * refusal an {@link EstRefusedException} with its {@link EstRefusal reason}.
 *
 * <p>Re-enrolment trusts the certificate presented only as the trust core ({@link Trust}) validates it: a PKIX path
 * from this CA's issuing CA (the one on file, not one the peer sends) to its root, valid now; then this CA's index
 * must list it and not as revoked. The request must ask for the same subject and names, with a new key that was
 * never revoked for keyCompromise; the new certificate has the profile of the current one.
 */
public final class EstService {
  /** How long the certificates it issues are valid when no lifetime is given. */
  public static final Duration DEFAULT_LIFETIME = Duration.ofHours(24);
  /** How long a request waits for another to finish issuing before it is told to try again. */
  private static final Duration WAIT_FOR_CA = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(EstService.class);

  private final CaDirectory ca;
  private final Duration lifetime;
  private final Clock clock;
  private final NamePolicy policy;
  private final Consumer<EstEvent> observer;
  private final Trust trust;
  private final EnrolmentTokens tokens;
  /** One issuance at a time in this process; the directory's lock keeps other processes out. */
  private final ReentrantLock issuing;

  private EstService(CaDirectory ca, Duration lifetime, Clock clock, NamePolicy policy, Consumer<EstEvent> observer,
      ReentrantLock issuing) {
    this.ca = ca;
    this.lifetime = lifetime;
    this.clock = clock;
    this.policy = policy;
    this.observer = observer;
    this.trust = Trust.of(TrustAnchors.of(List.of(ca.root())));
    this.tokens = EnrolmentTokens.in(ca.directory());
    this.issuing = issuing;
  }

  /**
   * EST for {@code ca} (opened with its password), issuing certificates valid for {@code lifetime} (never beyond the
   * issuing CA's own validity), with any well-formed name the token or current certificate holds (see
   * {@link #withNamePolicy}) and no observer.
   */
  public static EstService forCa(CaDirectory ca, Duration lifetime, Clock clock) {
    Objects.requireNonNull(lifetime, "lifetime == null");
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("the EST lifetime must be positive, got " + lifetime);
    }
    ca.issuing();
    return new EstService(ca, lifetime, Objects.requireNonNull(clock, "clock == null"), NamePolicy.permitAll(),
        event -> {}, new ReentrantLock());
  }

  /** The same service, telling {@code observer} of every request it answers. */
  public EstService observedBy(Consumer<EstEvent> observer) {
    return new EstService(ca, lifetime, clock, policy, Objects.requireNonNull(observer, "observer == null"),
        issuing);
  }

  /** The same service, certifying only the names {@code policy} allows. If unset: {@link NamePolicy#permitAll()}. */
  public EstService withNamePolicy(NamePolicy policy) {
    return new EstService(ca, lifetime, clock, Objects.requireNonNull(policy, "policy == null"), observer, issuing);
  }

  public Duration lifetime() {
    return lifetime;
  }

  /** What {@code cacerts} answers: the issuing CA, then the root. */
  public List<X509Certificate> caCertificates() {
    return List.of(ca.intermediate(), ca.root());
  }

  /** {@code simpleenroll}: a certificate for {@code csr}, authorised by the token {@code tokenId} and its secret. */
  public IssuedCertificate enroll(Csr csr, String tokenId, char[] secret) {
    return answered(EstEvent.Operation.ENROLL, () -> csr, request -> enrolled(request, tokenId, secret));
  }

  /** {@code simplereenroll}: a new certificate for {@code csr}, for the holder of {@code presented}. */
  public IssuedCertificate reenroll(Csr csr, List<X509Certificate> presented) {
    return answered(EstEvent.Operation.REENROLL, () -> csr, request -> reenrolled(request, presented));
  }

  private IssuedCertificate enrolled(Csr request, String tokenId, char[] secret) {
    if (tokenId == null || secret == null) {
      throw new EstRefusedException(EstRefusal.NO_CREDENTIALS, "simpleenroll needs an enrolment token as HTTP"
          + " Basic credentials (user = token id, password = secret)");
    }
    EnrolmentTokens.Entry token = tokens.valid(tokenId, secret, clock.instant());
    checkRequest(request);
    requireNames(request, token.subject(), token.names(), "the token is for");
    // Checked again and consumed under the CA's lock: two requests with one token get one certificate.
    return issue(request, token.profile(), delivery(() -> tokens.valid(tokenId, secret, clock.instant()),
        () -> tokens.consume(tokenId, clock.instant())));
  }

  private IssuedCertificate reenrolled(Csr request, List<X509Certificate> presented) {
    X509Certificate current = authenticated(presented);
    checkRequest(request);
    if (Arrays.equals(request.publicKey().getEncoded(), current.getPublicKey().getEncoded())) {
      throw new EstRefusedException(EstRefusal.SAME_KEY, "the request carries the key of the current certificate"
          + " (serial " + current.getSerialNumber().toString(16) + "): re-enrolment takes a new key");
    }
    requireNames(request, current.getSubjectX500Principal(), SubjectAltName.of(current),
        "the current certificate is for");
    // Revoked meanwhile? Asked again under the CA's lock.
    return issue(request, CertificateAuthority.profileOf(current), delivery(() -> notRevoked(current), () -> {}));
  }

  /** What the HTTP handler calls: requests as EST carries them, refusals as it answers them. */
  EstOperations operations() {
    return new EstOperations() {
      @Override
      public List<X509Certificate> caCertificates() {
        return EstService.this.caCertificates();
      }

      @Override
      public List<X509Certificate> enroll(byte[] request, String user, char[] password) {
        try {
          return answered(EstEvent.Operation.ENROLL, () -> parsed(request),
              csr -> enrolled(csr, user, password)).chain();
        } catch (EstRefusedException e) {
          throw http(e, user == null && e.refusal() == EstRefusal.NO_CREDENTIALS);
        } finally {
          if (password != null) {
            Arrays.fill(password, '\0');
          }
        }
      }

      @Override
      public List<X509Certificate> reenroll(byte[] request, List<X509Certificate> presented) {
        try {
          return answered(EstEvent.Operation.REENROLL, () -> parsed(request),
              csr -> reenrolled(csr, presented)).chain();
        } catch (EstRefusedException e) {
          throw http(e, false);
        }
      }
    };
  }

  /** {@code work} done on the request {@code parse} gives, told to the observer and the log. */
  private IssuedCertificate answered(EstEvent.Operation operation, Supplier<Csr> parse,
      Function<Csr, IssuedCertificate> work) {
    Csr csr = null;
    try {
      csr = parse.get();
      IssuedCertificate issued = unexpectedRefused(work, csr);
      X509Certificate leaf = issued.certificate();
      String subject = leaf.getSubjectX500Principal().getName(X500Principal.RFC2253);
      LOG.info("EST {}: issued serial {} to {}, valid until {}", operation, leaf.getSerialNumber().toString(16),
          SafeText.escape(subject), leaf.getNotAfter().toInstant());
      observer.accept(new EstEvent(operation, clock.instant(), subject, leaf.getSerialNumber(), null, null));
      return issued;
    } catch (EstRefusedException e) {
      String subject = subjectOf(csr);
      // Debug only: anyone who reaches the port can make refusals; the event carries each one.
      LOG.debug("EST {}: refused {} ({}): {}", operation, subject == null ? "-" : SafeText.escape(subject),
          e.refusal(), SafeText.escape(e.getMessage()));
      observer.accept(new EstEvent(operation, clock.instant(), subject, null, e.refusal(), e.getMessage()));
      throw e;
    }
  }

  /**
   * {@code work} on {@code csr}, where a failure that is no refusal (a corrupt file in the CA directory, say) is
   * {@link EstRefusal#CA_UNAVAILABLE} with its message: the operator's to fix, and never a stack trace to the peer.
   */
  private static IssuedCertificate unexpectedRefused(Function<Csr, IssuedCertificate> work, Csr csr) {
    try {
      return work.apply(csr);
    } catch (EstRefusedException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.warn("EST: cannot issue: {}", SafeText.escape(String.valueOf(e.getMessage())));
      throw new EstRefusedException(EstRefusal.CA_UNAVAILABLE, "the CA cannot issue: " + e.getMessage());
    }
  }

  private static Csr parsed(byte[] der) {
    try {
      return Csr.fromDer(der, "the request body");
    } catch (KeyMaterialException e) {
      throw new EstRefusedException(EstRefusal.MALFORMED_REQUEST, e.getMessage());
    }
  }

  /** The current certificate, once the trust core and this CA's index accept it. */
  private X509Certificate authenticated(List<X509Certificate> presented) {
    if (presented == null || presented.isEmpty()) {
      throw new EstRefusedException(EstRefusal.NO_CREDENTIALS, "simplereenroll needs the current certificate as"
          + " the TLS client certificate; none was presented");
    }
    X509Certificate leaf = presented.get(0);
    // The path is built from this CA's own issuing certificate: nothing the peer sent beyond its leaf is used.
    Verdict verdict = trust.verify(List.of(leaf, ca.intermediate()), Purpose.ANY, clock.instant());
    if (!verdict.isTrusted()) {
      EstRefusal refusal = verdict.reason() == Reason.EXPIRED || verdict.reason() == Reason.NOT_YET_VALID
          ? EstRefusal.CERTIFICATE_EXPIRED : EstRefusal.CERTIFICATE_NOT_TRUSTED;
      throw new EstRefusedException(refusal, "the certificate presented is refused: " + verdict.sentence());
    }
    if (!OcspSignerFiles.signedBy(leaf, ca.intermediate())) {
      throw new EstRefusedException(EstRefusal.CERTIFICATE_NOT_TRUSTED, "the certificate presented was not issued"
          + " by this CA's issuing CA");
    }
    if (ca.entry(leaf.getSerialNumber()).isEmpty()) {
      throw new EstRefusedException(EstRefusal.CERTIFICATE_NOT_TRUSTED, "the certificate presented (serial "
          + leaf.getSerialNumber().toString(16) + ") is not in this CA's index");
    }
    notRevoked(leaf);
    return leaf;
  }

  private void notRevoked(X509Certificate certificate) {
    ca.entry(certificate.getSerialNumber()).filter(e -> e.status() == IndexEntry.Status.REVOKED).ifPresent(e -> {
      throw new EstRefusedException(EstRefusal.CERTIFICATE_REVOKED, "the certificate presented (serial "
          + e.serialHex() + ") was revoked on " + e.revokedAt() + " (" + e.reason().cliName() + ")");
    });
  }

  /** What {@code pki sign} refuses too, each with its own reason: no proof of possession, weak or compromised key. */
  private void checkRequest(Csr csr) {
    try {
      csr.verifySignature();
    } catch (RequestRefusedException e) {
      throw new EstRefusedException(EstRefusal.NO_PROOF_OF_POSSESSION, e.getMessage());
    }
    PublicKey key;
    try {
      key = csr.publicKey();
      KeyPolicy.check(key);
    } catch (RequestRefusedException e) {
      throw new EstRefusedException(EstRefusal.WEAK_KEY, e.getMessage());
    }
    List<IndexEntry> compromised = ca.issuance().issuedFor(key,
        e -> e.reason() == RevocationReason.KEY_COMPROMISE);
    if (!compromised.isEmpty()) {
      throw new EstRefusedException(EstRefusal.KEY_COMPROMISED, "the request's key was revoked for keyCompromise"
          + " with serial " + compromised.get(0).serialHex() + ": it is never certified again");
    }
  }

  private static void requireNames(Csr csr, X500Principal subject, List<SubjectAltName> names,
      String whose) {
    X500Principal asked;
    List<SubjectAltName> askedNames;
    try {
      asked = csr.subject();
      askedNames = csr.subjectAltNames();
    } catch (RequestRefusedException e) {
      throw new EstRefusedException(EstRefusal.MALFORMED_REQUEST, e.getMessage());
    }
    if (!asked.equals(subject) || !EnrolmentTokens.sameNames(askedNames, names)) {
      throw new EstRefusedException(EstRefusal.NAME_MISMATCH, "the request asks for "
          + SafeText.escape(asked.getName(X500Principal.RFC2253)) + " " + askedNames + "; " + whose + " "
          + SafeText.escape(subject.getName(X500Principal.RFC2253)) + " " + names);
    }
  }

  /** Signs under the CA's lock, one request at a time in this process; {@code delivery} checks again under it. */
  private IssuedCertificate issue(Csr csr, Profile profile, Delivery delivery) {
    try {
      if (!issuing.tryLock(WAIT_FOR_CA.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new EstRefusedException(EstRefusal.CA_UNAVAILABLE, "the CA is busy issuing; try again");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EstRefusedException(EstRefusal.CA_UNAVAILABLE, "the CA is stopping");
    }
    try {
      return ca.sign(csr, profile, policy, lifetime, delivery);
    } catch (RequestRefusedException e) {
      throw new EstRefusedException(EstRefusal.NAME_POLICY, e.getMessage());
    } catch (IllegalStateException | UncheckedIOException e) {
      throw new EstRefusedException(EstRefusal.CA_UNAVAILABLE, e.getMessage());
    } finally {
      issuing.unlock();
    }
  }

  /** A delivery to the caller that runs {@code check} under the CA's lock before signing, {@code signed} after. */
  private static Delivery delivery(Runnable check, Runnable signed) {
    return new Delivery() {
      @Override
      public void check() {
        check.run();
      }

      @Override
      public List<Path> files() {
        return List.of();
      }

      @Override
      public List<Path> write(IssuedCertificate issued) {
        signed.run();
        return List.of();
      }
    };
  }

  private static EstHttpRefusal http(EstRefusedException e, boolean challenge) {
    return new EstHttpRefusal(e.refusal().httpStatus(), e.refusal().name(), e.getMessage(), e.refusal().hint(),
        challenge);
  }

  private static String subjectOf(Csr csr) {
    try {
      return csr == null ? null : csr.subject().getName(X500Principal.RFC2253);
    } catch (RequestRefusedException e) {
      return null;
    }
  }
}
