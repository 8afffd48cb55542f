package dev.mtls.client;

import static dev.mtls.pki.SubjectAltName.dns;
import static dev.mtls.pki.SubjectAltName.ip;

import dev.mtls.pki.CertificateAuthority;
import dev.mtls.pki.CertificateSpec;
import dev.mtls.pki.IssuedCertificate;
import dev.mtls.pki.Revocation;
import dev.mtls.pki.RevocationReason;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.TrustAnchors;
import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Map;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Test material made at test time: a root, an issuing intermediate, a server certificate for loopback, and
 * client certificates that are good, foreign, expired, revoked, or meant for servers.
 */
public final class TestPki {
  public static final TestPki INSTANCE = new TestPki();

  public final CertificateAuthority root = CertificateAuthority.createRoot("CN=Test Root,O=mtls-reference");
  public final CertificateAuthority intermediate = root.createIntermediate("CN=Test Issuing CA,O=mtls-reference");
  public final CertificateAuthority foreignRoot = CertificateAuthority.createRoot("CN=Foreign Root,O=elsewhere");

  public final IssuedCertificate server = intermediate.issue(loopback(CertificateSpec.server("CN=localhost")).build());
  public final IssuedCertificate serverForOtherHost = intermediate.issue(CertificateSpec.server("CN=other.example")
      .addSubjectAltName(dns("other.example")).build());
  public final IssuedCertificate foreignServer = foreignRoot.issue(loopback(CertificateSpec.server("CN=localhost")).build());

  public final IssuedCertificate client = intermediate.issue(CertificateSpec.client("CN=alice,OU=orders").build());
  public final IssuedCertificate secondClient = intermediate.issue(CertificateSpec.client("CN=bob,OU=orders").build());
  public final IssuedCertificate foreignClient = foreignRoot.issue(CertificateSpec.client("CN=mallory,O=elsewhere").build());
  public final IssuedCertificate expiredClient = intermediate.issue(CertificateSpec.client("CN=old alice")
      .notBefore(Instant.now().minus(Duration.ofDays(10))).validity(Duration.ofDays(1)).build());
  public final IssuedCertificate revokedClient = intermediate.issue(CertificateSpec.client("CN=revoked alice").build());
  public final IssuedCertificate serverAsClient = intermediate.issue(loopback(CertificateSpec.server("CN=not a client")).build());

  /** The intermediate's CRL, listing {@link #revokedClient}. */
  public final X509CRL crl = intermediate.crl(List.of(new Revocation(revokedClient.certificate().getSerialNumber(),
      Instant.now().minusSeconds(60), RevocationReason.KEY_COMPROMISE)), BigInteger.ONE,
      Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1)));

  private TestPki() {}

  /** Clients and servers trust only the root; the intermediate travels in each chain. */
  public TrustAnchors trust() {
    return TrustAnchors.of(List.of(root.certificate()));
  }

  private static CertificateSpec.Builder loopback(CertificateSpec.Builder spec) {
    return spec.addSubjectAltName(dns("localhost")).addSubjectAltName(ip("127.0.0.1")).addSubjectAltName(ip("::1"));
  }

  public static Path write(Path directory, String name, String content) throws IOException {
    Path file = directory.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  /**
   * A PKCS#12 file with one key entry per alias, written by the JDK (PBES2/AES-256, like OpenSSL 3).
   * (pki's Pkcs12.keyStore MODERN failed here with "Input length not multiple of 16 bytes"; reported.)
   */
  public static Path pkcs12(Path file, char[] password, Map<String, IssuedCertificate> entries)
      throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    for (Map.Entry<String, IssuedCertificate> entry : entries.entrySet()) {
      store.setKeyEntry(entry.getKey(), entry.getValue().keyPair().getPrivate(), password,
          entry.getValue().chain().toArray(new Certificate[0]));
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password);
    }
    return file;
  }

  public static String pem(CertificateAuthority ca) {
    return Pem.encode(ca.certificate());
  }
}
