package dev.mtls.testing.pki;

import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * The standard cast of test identities, made fresh for each instance (EC P-256): our root and issuing CA, a
 * server for loopback, clients that must be accepted and clients that must be refused, and the CAs they need.
 *
 * <pre>
 * alice          CN=alice,OU=admins        accepted; the demo roles make her admin
 * bob            CN=bob,OU=readers         accepted; reader
 * carol          CN=carol,OU=contractors   accepted, no role
 * foreignClient  CN=alice,OU=admins        the same name from a foreign root: refused, names prove nothing
 * impostorClient CN=alice,OU=admins        from a CA with our CAs' names and other keys: refused
 * expired, notYetValid, revoked (on {@link #issuingCrl}), serverOnly (EKU serverAuth only): refused
 * server         CN=localhost              for localhost, 127.0.0.1, ::1
 * otherHostServer, foreignServer           a server certificate for another host; one from the foreign CA
 * </pre>
 *
 * Every name ends in {@link #ORG}. {@link #writeTo} puts the whole cast in a directory as PEM and PKCS#12, for
 * tests that hand files to processes (the project's jars, curl, nginx).
 */
public final class Cast {
  public static final String ORG = "O=mtls-reference test";
  public static final String ROOT_DN = TestPki.ROOT;
  public static final String ISSUING_DN = TestPki.ISSUING;
  public static final String FOREIGN_ROOT_DN = "CN=Foreign Root CA,O=elsewhere";
  public static final String FOREIGN_ISSUING_DN = "CN=Foreign Issuing CA,O=elsewhere";

  /** Where the CAs say their status is published; null fields publish nothing. */
  public record Publication(String ocspUrl, String crlUrl, String rootCrlUrl) {
    public static final Publication NONE = new Publication(null, null, null);
  }

  public final TestCa root;
  public final TestCa issuing;
  public final TestCa foreignRoot;
  public final TestCa foreignIssuing;
  public final TestCa impostorRoot;
  public final TestCa impostorIssuing;
  private final Publication publication;
  private final AtomicLong crlNumbers = new AtomicLong();

  public final Issued server;
  public final Issued otherHostServer;
  public final Issued foreignServer;
  public final Issued alice;
  public final Issued bob;
  public final Issued carol;
  public final Issued foreignClient;
  public final Issued impostorClient;
  public final Issued expired;
  public final Issued notYetValid;
  public final Issued revoked;
  public final Issued serverOnly;

  private Cast(Publication publication) {
    this.publication = publication;
    root = TestCa.root(ROOT_DN);
    CertificateBuilder issuingCa = root.issue(ISSUING_DN).ca(0);
    if (publication.rootCrlUrl() != null) {
      issuingCa.crlUrl(publication.rootCrlUrl());
    }
    issuing = issuingCa.buildCa();
    foreignRoot = TestCa.root(FOREIGN_ROOT_DN);
    foreignIssuing = foreignRoot.intermediate(FOREIGN_ISSUING_DN);
    impostorRoot = TestCa.root(ROOT_DN);
    impostorIssuing = impostorRoot.intermediate(ISSUING_DN);

    Instant now = Instant.now();
    server = leaf("CN=localhost," + ORG).server().build();
    otherHostServer = leaf("CN=other.example," + ORG).extendedKeyUsage(KeyPurposeId.id_kp_serverAuth)
        .dns("other.example").build();
    foreignServer = foreignIssuing.issue("CN=localhost,O=elsewhere").server().build();
    alice = leaf("CN=alice,OU=admins," + ORG).build();
    bob = leaf("CN=bob,OU=readers," + ORG).build();
    carol = leaf("CN=carol,OU=contractors," + ORG).build();
    foreignClient = foreignRoot.client("CN=alice,OU=admins," + ORG);
    impostorClient = impostorIssuing.client("CN=alice,OU=admins," + ORG);
    expired = leaf("CN=expired,OU=admins," + ORG)
        .validity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(29))).build();
    notYetValid = leaf("CN=notyetvalid,OU=admins," + ORG)
        .validity(now.plus(Duration.ofDays(30)), now.plus(Duration.ofDays(120))).build();
    revoked = leaf("CN=revoked,OU=admins," + ORG).build();
    serverOnly = leaf("CN=serveronly,OU=admins," + ORG).extendedKeyUsage(KeyPurposeId.id_kp_serverAuth)
        .dns("serveronly.example").build();
  }

  public static Cast create() {
    return new Cast(Publication.NONE);
  }

  /**
   * The same cast, whose certificates name where their status is published: the issuing CA's leaves carry the
   * OCSP responder (AIA) and the CRL distribution point, the issuing CA the root's CRL distribution point.
   */
  public static Cast publishing(Publication publication) {
    return new Cast(publication);
  }

  /** A new client leaf from our issuing CA, with the publication URLs: for a test that must own its client. */
  public Issued client(String subject) {
    return leaf(subject).build();
  }

  /** Starts a leaf from our issuing CA with the publication URLs, for what {@link #client} does not cover. */
  public CertificateBuilder leaf(String subject) {
    CertificateBuilder builder = issuing.issue(subject);
    if (publication.ocspUrl() != null) {
      builder.ocspUrl(publication.ocspUrl());
    }
    if (publication.crlUrl() != null) {
      builder.crlUrl(publication.crlUrl());
    }
    return builder;
  }

  /** What peers trust: our root. */
  public List<X509Certificate> anchors() {
    return List.of(root.certificate());
  }

  /** Starts the issuing CA's next CRL: its number is higher than that of every CRL this cast made before. */
  public CrlBuilder nextIssuingCrl() {
    return issuing.crl().number(crlNumbers.incrementAndGet());
  }

  /** The issuing CA's next CRL, revoking {@link #revoked} (keyCompromise) and {@code more}. */
  public X509CRL issuingCrl(X509Certificate... more) {
    CrlBuilder crl = nextIssuingCrl().revoke(revoked.certificate(), CRLReason.keyCompromise);
    for (X509Certificate certificate : more) {
      crl.revoke(certificate, CRLReason.keyCompromise);
    }
    return crl.build();
  }

  /** The root's current CRL, revoking nothing. */
  public X509CRL rootCrl() {
    return root.crl().build();
  }

  /** Writes the whole cast under {@code directory}: see {@link CastFiles} for the layout. */
  public CastFiles writeTo(Path directory) {
    return new CastFiles(this, directory);
  }
}
