package dev.mtls.testing.pki;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The standard test PKI: a root, an issuing intermediate below it, and a server certificate for loopback, all EC
 * P-256 and made fresh for each instance. Clients get leaves from {@link #client}; CRLs for both CAs from
 * {@link #crls}.
 */
public final class TestPki {
  public static final String ROOT = "CN=Test Root CA,O=mtls-reference test";
  public static final String ISSUING = "CN=Test Issuing CA,O=mtls-reference test";

  public final TestCa root;
  public final TestCa issuing;
  public final Issued server;

  private TestPki(String root, String issuing) {
    this.root = TestCa.root(root);
    this.issuing = this.root.intermediate(issuing);
    this.server = this.issuing.issue("CN=localhost,O=mtls-reference test").server().build();
  }

  public static TestPki create() {
    return new TestPki(ROOT, ISSUING);
  }

  /** Another PKI with its own names, e.g. a foreign CA. */
  public static TestPki named(String rootDn, String issuingDn) {
    return new TestPki(rootDn, issuingDn);
  }

  /** A client leaf (EC P-256, clientAuth) from the issuing CA. */
  public Issued client(String subject) {
    return issuing.client(subject);
  }

  /** What a peer trusts: the root. */
  public List<X509Certificate> anchors() {
    return List.of(root.certificate());
  }

  /** Current CRLs of the issuing CA (listing {@code revoked}) and of the root (listing nothing). */
  public List<X509CRL> crls(X509Certificate... revoked) {
    CrlBuilder issuingCrl = issuing.crl();
    for (X509Certificate certificate : revoked) {
      issuingCrl.revoke(certificate);
    }
    List<X509CRL> crls = new ArrayList<>();
    crls.add(issuingCrl.build());
    crls.add(root.crl().build());
    return crls;
  }
}
