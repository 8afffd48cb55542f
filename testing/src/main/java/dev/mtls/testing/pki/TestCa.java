package dev.mtls.testing.pki;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * A certificate authority for tests: it issues whatever a test asks for, including what a real CA must refuse
 * (SHA-1, DSA, odd curves, leaves named like CAs, unknown critical extensions), and signs CRLs.
 */
public final class TestCa {
  private final Issued issued;
  /** This CA's chain as a peer would send it below a leaf: this CA and its issuers, without the root. */
  private final List<X509Certificate> chainBelowRoot;

  TestCa(Issued issued, List<X509Certificate> chainBelowRoot) {
    this.issued = issued;
    this.chainBelowRoot = List.copyOf(chainBelowRoot);
  }

  /** A self-signed root: EC P-256, CA with pathLen 1, ten years. */
  public static TestCa root(String subject) {
    return root(subject, Keys.ec(), 1);
  }

  /** A self-signed root with {@code keyPair} and {@code pathLen} (-1: unlimited). */
  public static TestCa root(String subject, KeyPair keyPair, int pathLen) {
    CertificateBuilder builder = new CertificateBuilder(null, subject).key(keyPair)
        .validFor(java.time.Duration.ofDays(3650));
    builder = pathLen < 0 ? builder.caWithoutPathLen() : builder.ca(pathLen);
    return builder.buildCa();
  }

  /**
   * Starts a self-signed root a test shapes itself (validity, pathLen, name constraints, …): by default a CA
   * without pathLen, EC P-256, valid for ten years. Finish with {@link CertificateBuilder#buildCa()}.
   */
  public static CertificateBuilder selfSigned(String subject) {
    return new CertificateBuilder(null, subject).validFor(java.time.Duration.ofDays(3650)).caWithoutPathLen();
  }

  public X509Certificate certificate() {
    return issued.certificate();
  }

  public PrivateKey privateKey() {
    return issued.privateKey();
  }

  public KeyPair keyPair() {
    return issued.keyPair();
  }

  public X500Principal subject() {
    return certificate().getSubjectX500Principal();
  }

  /** What this CA adds to a chain below a leaf: itself and its issuers, without the root. */
  public List<X509Certificate> chainBelowRoot() {
    return chainBelowRoot;
  }

  /** Starts a certificate for {@code subject} (an RFC 2253 DN) issued by this CA: by default an EC client leaf. */
  public CertificateBuilder issue(String subject) {
    return new CertificateBuilder(this, subject);
  }

  /** Starts a certificate for a subject given as a principal (names a DN string cannot spell). */
  public CertificateBuilder issue(X500Principal subject) {
    return new CertificateBuilder(this, subject);
  }

  /**
   * Starts a certificate for what {@code csr} asks, as a CA answering an enrolment (EST) would: the CSR's subject
   * and public key, and the subject alternative names of its extension request. The CSR's signature is checked.
   */
  public CertificateBuilder issue(PKCS10CertificationRequest csr) {
    try {
      JcaPKCS10CertificationRequest request = new JcaPKCS10CertificationRequest(csr);
      if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(request.getPublicKey()))) {
        throw new IllegalArgumentException("the CSR's signature does not verify with its key");
      }
      CertificateBuilder builder = new CertificateBuilder(this, new X500Principal(csr.getSubject().getEncoded()))
          .key(new KeyPair(request.getPublicKey(), null));
      Extensions requested = csr.getRequestedExtensions();
      Extension sans = requested == null ? null : requested.getExtension(Extension.subjectAlternativeName);
      return sans == null ? builder : builder.extension(Extension.subjectAlternativeName.getId(), sans.isCritical(),
          sans.getParsedValue());
    } catch (java.io.IOException | java.security.GeneralSecurityException
        | org.bouncycastle.operator.OperatorCreationException | org.bouncycastle.pkcs.PKCSException e) {
      throw new IllegalArgumentException("cannot read the CSR: " + e.getMessage(), e);
    }
  }

  /** An intermediate CA below this one: EC P-256, pathLen 0. */
  public TestCa intermediate(String subject) {
    return issue(subject).ca(0).buildCa();
  }

  /** An EC client leaf (clientAuth) for {@code subject}. */
  public Issued client(String subject) {
    return issue(subject).build();
  }

  /** Starts a CRL signed by this CA. */
  public CrlBuilder crl() {
    return new CrlBuilder(this);
  }

  @Override
  public String toString() {
    return "TestCa[" + subject().getName() + "]";
  }
}
