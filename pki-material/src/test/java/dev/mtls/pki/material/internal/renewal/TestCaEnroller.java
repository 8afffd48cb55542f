package dev.mtls.pki.material.internal.renewal;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.renewal.RenewalFailure;
import dev.mtls.testing.pki.Keys;
import dev.mtls.testing.pki.TestCa;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** An in-process CA answering re-enrolments with the kit's TestCa, by the test's clock; a test switches its mood. */
final class TestCaEnroller implements Enroller {
  enum Mood { ISSUE, DOWN, REFUSE, WRONG_KEY }

  private final TestCa ca;
  private final Clock clock;
  private final Duration lifetime;
  final AtomicInteger requests = new AtomicInteger();
  volatile Mood mood = Mood.ISSUE;

  TestCaEnroller(TestCa ca, Clock clock, Duration lifetime) {
    this.ca = ca;
    this.clock = clock;
    this.lifetime = lifetime;
  }

  @Override
  public List<X509Certificate> reenroll(PKCS10CertificationRequest csr, Identity current) throws EnrolmentException {
    requests.incrementAndGet();
    Instant now = clock.instant();
    return switch (mood) {
      case DOWN -> throw new EnrolmentException(RenewalFailure.UNAVAILABLE, "connection refused");
      case REFUSE -> throw new EnrolmentException(RenewalFailure.REFUSED, "HTTP 403: the certificate is revoked");
      case WRONG_KEY -> List.of(ca.issue(current.certificate().getSubjectX500Principal()).key(Keys.ec())
          .validity(now.minusSeconds(60), now.plus(lifetime)).build().certificate());
      case ISSUE -> List.of(ca.issue(csr).validity(now.minusSeconds(60), now.plus(lifetime)).build().certificate());
    };
  }

  /** A first certificate for {@code subject} from the same CA, valid from {@code now} for the lifetime. */
  static dev.mtls.testing.pki.Issued first(TestCa ca, String subject, Instant now, Duration lifetime, KeyPair key) {
    return ca.issue(subject).key(key).dns("localhost").extendedKeyUsage(KeyPurposeId.id_kp_clientAuth)
        .validity(now, now.plus(lifetime)).build();
  }
}
