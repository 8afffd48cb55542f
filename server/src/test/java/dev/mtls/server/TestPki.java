package dev.mtls.server;

import dev.mtls.pki.CertificateAuthority;
import dev.mtls.pki.CertificateSpec;
import dev.mtls.pki.IssuedCertificate;
import dev.mtls.pki.SubjectAltName;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates for one test class: a root, an issuing intermediate, the server and the demo clients. */
final class TestPki {
  static final String ROLES = """
      # the demo mapping
      admin   subject.OU=admins
      reader  subject.OU=readers
      """;

  final CertificateAuthority root = CertificateAuthority.createRoot("CN=Test Root CA,O=mtls-reference test");
  final CertificateAuthority issuing = root.createIntermediate("CN=Test Issuing CA,O=mtls-reference test");
  final IssuedCertificate server = serverCertificate(issuing);
  final IssuedCertificate alice = client("CN=alice,OU=admins,O=Demo");
  final IssuedCertificate bob = client("CN=bob,OU=readers,O=Demo");

  static IssuedCertificate serverCertificate(CertificateAuthority ca) {
    return ca.issue(CertificateSpec.server("CN=localhost,O=mtls-reference test")
        .addSubjectAltName(SubjectAltName.dns("localhost"))
        .addSubjectAltName(SubjectAltName.ip("127.0.0.1"))
        .addSubjectAltName(SubjectAltName.ip("::1"))
        .build());
  }

  IssuedCertificate client(String dn) {
    return issuing.issue(CertificateSpec.client(new X500Principal(dn)).build());
  }

  TrustAnchors anchors() {
    return TrustAnchors.of(List.of(root.certificate()));
  }

  MtlsServer.Builder serverBuilder() {
    return MtlsServer.builder()
        .identity(server.identity())
        .trust(anchors())
        .roleRules(RoleRules.parse(ROLES, "roles.conf"))
        .port(0)
        .managementPort(0)
        .reloadInterval(Duration.ZERO);
  }

  TestClient clientFor(IssuedCertificate certificate) {
    return new TestClient(certificate.identity(), root.certificate());
  }

  TestClient clientFor(Identity identity) {
    return new TestClient(identity, root.certificate());
  }

  TestClient anonymousClient() {
    return new TestClient(null, root.certificate());
  }

  /**
   * A client certificate the CA toolkit refuses to make (SHA-1 signature, small RSA key), built directly with
   * BouncyCastle and signed by the issuing CA.
   */
  Identity handMade(String dn, String signatureAlgorithm, String keyAlgorithm, int keySize) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(keyAlgorithm);
    generator.initialize(keySize);
    KeyPair keyPair = generator.generateKeyPair();
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuing.certificate(),
        new BigInteger(64, new SecureRandom()).add(BigInteger.ONE), Date.from(now.minus(Duration.ofMinutes(5))),
        Date.from(now.plus(Duration.ofDays(1))), new X500Principal(dn), keyPair.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    PrivateKey signingKey = issuing.privateKey();
    X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder(signatureAlgorithm).build(signingKey)));
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(certificate);
    chain.add(issuing.certificate());
    return Identity.of(keyPair.getPrivate(), chain);
  }

  /**
   * PKCS#12 written by the JDK's own KeyStore (PBES2/AES-256 by default on JDK 17), as a keytool user would make it.
   */
  static java.nio.file.Path writePkcs12(java.nio.file.Path file, Identity identity, String password)
      throws Exception {
    java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("identity", identity.privateKey(), password.toCharArray(),
        identity.chain().toArray(new X509Certificate[0]));
    try (var out = java.nio.file.Files.newOutputStream(file)) {
      store.store(out, password.toCharArray());
    }
    return file;
  }

  static java.nio.file.Path writeTrustStore(java.nio.file.Path file, X509Certificate anchor, String password)
      throws Exception {
    java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("anchor", anchor);
    try (var out = java.nio.file.Files.newOutputStream(file)) {
      store.store(out, password.toCharArray());
    }
    return file;
  }
}
