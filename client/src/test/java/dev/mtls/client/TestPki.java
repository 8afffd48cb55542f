package dev.mtls.client;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.testpki.Issued;
import dev.mtls.testpki.TestCa;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509CRL;
import java.util.Map;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * The client tests' view of the shared test PKI ({@link dev.mtls.testpki.TestPki}): a root, an issuing intermediate,
 * a server certificate for loopback, and client certificates that are good, foreign, expired, revoked, or meant for
 * servers.
 */
public final class TestPki {
  public static final TestPki INSTANCE = new TestPki();

  private final dev.mtls.testpki.TestPki shared = dev.mtls.testpki.TestPki.named("CN=Test Root,O=mtls-reference",
      "CN=Test Issuing CA,O=mtls-reference");
  private final dev.mtls.testpki.TestPki foreign = dev.mtls.testpki.TestPki.named("CN=Foreign Root,O=elsewhere",
      "CN=Foreign Issuing CA,O=elsewhere");

  public final TestCa root = shared.root;
  public final TestCa intermediate = shared.issuing;
  public final TestCa foreignRoot = foreign.root;

  public final Issued server = intermediate.issue("CN=localhost").server().build();
  public final Issued serverForOtherHost = intermediate.issue("CN=other.example")
      .extendedKeyUsage(KeyPurposeId.id_kp_serverAuth).dns("other.example").build();
  public final Issued foreignServer = foreign.issuing.issue("CN=localhost").server().build();

  public final Issued client = intermediate.client("CN=alice,OU=orders");
  public final Issued secondClient = intermediate.client("CN=bob,OU=orders");
  public final Issued foreignClient = foreign.issuing.client("CN=mallory,O=elsewhere");
  public final Issued expiredClient = intermediate.issue("CN=old alice").expired().build();
  public final Issued revokedClient = intermediate.client("CN=revoked alice");
  public final Issued serverAsClient = intermediate.issue("CN=not a client").server().build();

  /** The intermediate's CRL, listing {@link #revokedClient}. */
  public final X509CRL crl = intermediate.crl().revoke(revokedClient.certificate()).build();

  private TestPki() {}

  /** Clients and servers trust only the root; the intermediate travels in each chain. */
  public TrustAnchors trust() {
    return TrustAnchors.of(shared.anchors());
  }

  public static Identity identity(Issued issued) {
    return Identity.of(issued.privateKey(), issued.chain());
  }

  public static String chainPem(Issued issued) {
    return Pem.encode(issued.chain());
  }

  public static String keyPem(Issued issued) {
    return Pem.encode(issued.privateKey());
  }

  public static Path write(Path directory, String name, String content) throws IOException {
    Path file = directory.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  /** A PKCS#12 file with one key entry per alias, written by the JDK (PBES2/AES-256, like OpenSSL 3). */
  public static Path pkcs12(Path file, char[] password, Map<String, Issued> entries)
      throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    for (Map.Entry<String, Issued> entry : entries.entrySet()) {
      store.setKeyEntry(entry.getKey(), entry.getValue().privateKey(), password,
          entry.getValue().chain().toArray(new Certificate[0]));
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password);
    }
    return file;
  }

  public static String pem(TestCa ca) {
    return Pem.encode(ca.certificate());
  }
}
