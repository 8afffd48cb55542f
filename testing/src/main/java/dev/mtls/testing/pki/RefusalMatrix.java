package dev.mtls.testing.pki;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * Every way a client certificate must be refused, each with the reason a verifier must give (the name of a
 * {@code dev.mtls.pki.material.trust.Reason}), made under one root with the CAs each case needs. One good client is
 * included, so a test over the matrix also proves that the configuration accepts what it should.
 *
 * <p>The verifier is configured with {@link #anchors()} and all of {@link #crls()}: the issuing CA's and the root's,
 * plus those of the helper CAs, except "CN=Unlisted CA", whose missing CRL is a case of its own.
 */
public final class RefusalMatrix {
  /**
   * One certificate and the expected verdict. {@code sendable} is false when a JDK TLS client cannot even offer it:
   * its own key is of a kind no accepted signature scheme covers (DSA, secp256k1), or the JDK cannot verify the
   * chain's own signatures (a secp256k1 CA), so only offline verifiers see it.
   */
  public record Case(String name, String reason, Issued identity, boolean sendable) {
    @Override
    public String toString() {
      return name;
    }
  }

  public final TestPki pki = TestPki.create();
  private final List<Case> cases = new ArrayList<>();
  private final List<X509CRL> crls = new ArrayList<>();

  public RefusalMatrix() {
    TestCa root = pki.root;
    TestCa issuing = pki.issuing;

    add("trusted", "TRUSTED", issuing.client("CN=alice,OU=admins,O=mtls-reference test"));
    add("expired", "EXPIRED", issuing.issue("CN=expired alice,O=mtls-reference test").expired().build());
    add("not_yet_valid", "NOT_YET_VALID", issuing.issue("CN=future alice,O=mtls-reference test").notYetValid()
        .build());

    Issued revoked = issuing.client("CN=revoked alice,O=mtls-reference test");
    Issued namedLikeIssuer = issuing.client(TestPki.ISSUING);
    Issued namedLikeRoot = issuing.client(TestPki.ROOT);
    add("revoked", "REVOKED", revoked);
    add("revoked_leaf_named_like_its_issuing_ca", "REVOKED", namedLikeIssuer);
    add("revoked_leaf_named_like_the_root", "REVOKED", namedLikeRoot);
    crls.add(issuing.crl().revoke(revoked.certificate()).revoke(namedLikeIssuer.certificate())
        .revoke(namedLikeRoot.certificate()).build());

    TestCa revokedCa = root.intermediate("CN=Revoked Issuing CA,O=mtls-reference test");
    add("under_revoked_intermediate", "REVOKED", revokedCa.client("CN=orphan,O=mtls-reference test"));
    crls.add(revokedCa.crl().build());

    TestPki foreign = TestPki.named("CN=Foreign Root CA,O=elsewhere", "CN=Foreign Issuing CA,O=elsewhere");
    add("foreign_ca", "UNTRUSTED_ISSUER", foreign.client("CN=alice,OU=admins,O=mtls-reference test"));
    TestPki impostor = TestPki.named(TestPki.ROOT, TestPki.ISSUING);
    add("same_name_impostor_ca", "UNTRUSTED_ISSUER", impostor.client("CN=alice,OU=admins,O=mtls-reference test"));

    add("sha1_signature", "WEAK_ALGORITHM", issuing.issue("CN=sha1,O=mtls-reference test")
        .signatureAlgorithm("SHA1withECDSA").build());
    TestCa rsaCa = root.issue("CN=RSA Issuing CA,O=mtls-reference test").key(Keys.rsa(2048)).ca(0).buildCa();
    crls.add(rsaCa.crl().build());
    add("pss_sha1_signature", "WEAK_ALGORITHM", rsaCa.issue("CN=pss sha1,O=mtls-reference test")
        .signatureAlgorithm("SHA1withRSAandMGF1").build());
    TestCa dsaCa = root.issue("CN=DSA Issuing CA,O=mtls-reference test").key(Keys.dsa()).ca(0).buildCa();
    add("dsa_issuing_ca", "WEAK_ALGORITHM", dsaCa.client("CN=under dsa,O=mtls-reference test"));
    TestCa k1Ca = root.issue("CN=secp256k1 Issuing CA,O=mtls-reference test").key(Keys.ec("secp256k1")).ca(0)
        .buildCa();
    add("secp256k1_issuing_ca", "WEAK_ALGORITHM", k1Ca.client("CN=under k1,O=mtls-reference test"), false);
    add("dsa_key", "WEAK_ALGORITHM", issuing.issue("CN=dsa key,O=mtls-reference test").key(Keys.dsa()).build(),
        false);
    add("secp256k1_key", "WEAK_ALGORITHM", issuing.issue("CN=k1 key,O=mtls-reference test")
        .key(Keys.ec("secp256k1")).build(), false);
    add("rsa_1024_key", "WEAK_ALGORITHM", issuing.issue("CN=rsa 1024,O=mtls-reference test")
        .key(Keys.rsa(1024)).build());

    add("server_certificate", "WRONG_PURPOSE", issuing.issue("CN=localhost,O=mtls-reference test").server().build());
    add("no_client_auth_in_eku", "WRONG_PURPOSE", issuing.issue("CN=mailer,O=mtls-reference test")
        .extendedKeyUsage(KeyPurposeId.id_kp_emailProtection).build());

    TestCa subCa = issuing.issue("CN=Sub CA,O=mtls-reference test").ca(0).buildCa();
    add("path_too_long", "PATH_TOO_LONG", subCa.client("CN=too deep,O=mtls-reference test"));
    add("unknown_critical_extension", "UNKNOWN_CRITICAL_EXTENSION", issuing.issue("CN=odd,O=mtls-reference test")
        .extension("1.3.6.1.4.1.55555.1", true, DERNull.INSTANCE).build());
    TestCa constrained = root.issue("CN=Constrained CA,O=mtls-reference test").ca(0).permittedDns("allowed.example")
        .buildCa();
    crls.add(constrained.crl().build());
    add("outside_name_constraints", "NAME_CONSTRAINTS", constrained.issue("CN=evil,O=mtls-reference test")
        .dns("evil.example").build());

    TestCa unlisted = root.intermediate("CN=Unlisted CA,O=mtls-reference test");
    add("no_crl_for_its_issuing_ca", "REVOCATION_UNKNOWN", unlisted.client("CN=unchecked,O=mtls-reference test"));

    crls.add(root.crl().revoke(revokedCa.certificate()).build());
  }

  /** The root, the only trust anchor. */
  public List<X509Certificate> anchors() {
    return pki.anchors();
  }

  /** Every CRL the verifier is configured with. */
  public List<X509CRL> crls() {
    return List.copyOf(crls);
  }

  public List<Case> cases() {
    return List.copyOf(cases);
  }

  /** The cases a TLS client can offer in a handshake. */
  public List<Case> sendable() {
    return cases.stream().filter(Case::sendable).toList();
  }

  public Case get(String name) {
    return cases.stream().filter(c -> c.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no case " + name));
  }

  private void add(String name, String reason, Issued identity) {
    add(name, reason, identity, true);
  }

  private void add(String name, String reason, Issued identity, boolean sendable) {
    cases.add(new Case(name, reason, identity, sendable));
  }
}
