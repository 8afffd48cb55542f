package dev.mtls.server;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.testpki.Issued;
import dev.mtls.testpki.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * The server tests' view of the shared test PKI ({@link dev.mtls.testpki.TestPki}): its root, issuing CA and server
 * certificate, the demo clients alice (admin) and bob (reader), and a server builder and clients wired to them.
 */
public final class TestPki {
  static final String ROLES = """
      # the demo mapping
      admin   subject.OU=admins
      reader  subject.OU=readers
      """;

  final dev.mtls.testpki.TestPki shared = dev.mtls.testpki.TestPki.create();
  final TestCa root = shared.root;
  final TestCa issuing = shared.issuing;
  final Issued server = shared.server;
  final Issued alice = client("CN=alice,OU=admins,O=Demo");
  final Issued bob = client("CN=bob,OU=readers,O=Demo");

  Issued client(String dn) {
    return issuing.client(dn);
  }

  static Identity identity(Issued issued) {
    return Identity.of(issued.privateKey(), issued.chain());
  }

  TrustAnchors anchors() {
    return TrustAnchors.of(shared.anchors());
  }

  /** A server on loopback ports chosen by the OS, with the test routes ({@link TestRoutes}) and the demo roles. */
  MtlsServer.Builder serverBuilder() {
    return TestRoutes.register(demoServerBuilder());
  }

  /** The same server without routes, for a module that registers its own (the app's demo routes). */
  MtlsServer.Builder demoServerBuilder() {
    return MtlsServer.builder()
        .identity(identity(server))
        .trust(anchors())
        .roleRules(RoleRules.parse(ROLES, "roles.conf"))
        .port(0)
        .managementPort(0)
        .reloadInterval(Duration.ZERO);
  }

  /** The issuing CA's CRL listing {@code revoked} and the root's, as one PEM file like {@code pki crl} writes. */
  Path writeCrls(Path file, X509Certificate... revoked) throws java.io.IOException {
    StringBuilder pem = new StringBuilder();
    for (X509CRL crl : shared.crls(revoked)) {
      pem.append(Pem.encode(crl));
    }
    return Files.writeString(file, pem.toString());
  }

  TestClient clientFor(Issued certificate) {
    return new TestClient(identity(certificate), root.certificate());
  }

  TestClient clientFor(Identity identity) {
    return new TestClient(identity, root.certificate());
  }

  TestClient anonymousClient() {
    return new TestClient(null, root.certificate());
  }

  /** PKCS#12 written by the JDK's own KeyStore (PBES2/AES-256 by default on JDK 17), as keytool would make it. */
  static Path writePkcs12(Path file, Identity identity, String password) throws Exception {
    java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("identity", identity.privateKey(), password.toCharArray(),
        identity.chain().toArray(new X509Certificate[0]));
    try (var out = Files.newOutputStream(file)) {
      store.store(out, password.toCharArray());
    }
    return file;
  }

  static Path writeTrustStore(Path file, X509Certificate anchor, String password) throws Exception {
    java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("anchor", anchor);
    try (var out = Files.newOutputStream(file)) {
      store.store(out, password.toCharArray());
    }
    return file;
  }
}
