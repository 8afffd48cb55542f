package dev.mtls.pki.material;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.mtls.testing.LogCapture;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.KeyStores;
import dev.mtls.testing.pki.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

@Isolated // reads a logger that tests running beside it would write to
class TrustAnchorsTest {
  private static final char[] PASSWORD = "truststore-pw".toCharArray();

  private static X509Certificate root;
  private static Issued alice;
  private static X509Certificate leaf;
  private static X509Certificate foreignLeaf;

  @TempDir Path directory;

  @BeforeAll
  static void certificates() {
    TestCa rootCa = TestCa.root("CN=Test Root");
    root = rootCa.certificate();
    alice = rootCa.issue("CN=alice").extendedKeyUsage(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth)
        .build();
    leaf = alice.certificate();
    TestCa foreignRoot = TestCa.root("CN=Test Root");
    foreignLeaf = foreignRoot.issue("CN=alice").extendedKeyUsage(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth).build().certificate();
  }

  @Test
  void refuses_empty_anchor_list() {
    assertThatThrownBy(() -> TrustAnchors.of(List.of()))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage("no trust anchors given");
  }

  @Test
  void loads_pem_bundle() throws Exception {
    Path bundle = Files.writeString(directory.resolve("ca.crt"), Pem.encode(root));

    assertThat(TrustAnchors.loadPem(bundle).certificates()).containsExactly(root);
  }

  @Test
  void loading_warns_about_an_anchor_that_expired_is_not_valid_yet_or_expires_soon_naming_the_file()
      throws Exception {
    X509Certificate expired = TestCa.selfSigned("CN=Expired Root").expired().buildCa().certificate();
    X509Certificate future = TestCa.selfSigned("CN=Future Root").notYetValid().buildCa().certificate();
    X509Certificate ending = TestCa.selfSigned("CN=Ending Root").validFor(Duration.ofDays(10)).buildCa()
        .certificate();
    Path bundle = Files.writeString(directory.resolve("ca.crt"), Pem.encode(root) + Pem.encode(expired)
        + Pem.encode(future) + Pem.encode(ending));

    TrustAnchors anchors;
    List<String> warnings;
    try (LogCapture log = LogCapture.of(TrustAnchors.class)) {
      anchors = TrustAnchors.loadPem(bundle);
      warnings = log.messages(Level.WARN);
    }

    Instant now = Instant.now();
    assertThat(anchors.notValidThroughout(now, now.plus(TrustAnchors.EXPIRY_WARNING)))
        .containsExactly(expired, future, ending);
    assertThat(anchors.notValidThroughout(now, now)).containsExactly(expired, future);
    assertThat(warnings).hasSize(3).allSatisfy(line -> assertThat(line).startsWith(bundle + ": trust anchor"));
    assertThat(warnings.get(0)).contains("\"CN=Expired Root\" expired on");
    assertThat(warnings.get(1)).contains("\"CN=Future Root\" is not valid before");
    assertThat(warnings.get(2)).contains("\"CN=Ending Root\" expires on").contains("in 9 days");
  }

  @Test
  void loads_pkcs12_truststore_entries() throws Exception {
    Path file = KeyStores.trustStore(directory.resolve("trust.p12"), PASSWORD, List.of(root));

    TrustAnchors anchors = TrustAnchors.loadPkcs12(file, PASSWORD);

    assertThat(anchors.certificates()).containsExactly(root);
    assertThat(anchors.keyStore().size()).isEqualTo(1);
  }

  @Test
  void refuses_keystore_without_trusted_entries() throws Exception {
    Path file = alice.writePkcs12(directory.resolve("keys.p12"), "alice", PASSWORD);

    assertThatThrownBy(() -> TrustAnchors.loadPkcs12(file, PASSWORD))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": holds no trusted certificate entries (a keystore with only keys?)");
  }

  @Test
  void refuses_truststore_with_wrong_password() throws Exception {
    Path file = KeyStores.trustStore(directory.resolve("trust.p12"), PASSWORD, List.of(root));

    assertThatThrownBy(() -> TrustAnchors.loadPkcs12(file, "wrong".toCharArray()))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": wrong password for the PKCS#12 file");
  }

  @Test
  void system_anchors_are_the_jdk_cacerts() {
    assertThat(TrustAnchors.system().certificates()).isNotEmpty();
  }

  @Test
  void a_pkcs12_truststore_is_read_only_with_its_password_so_its_mac_is_checked() throws Exception {
    Path file = KeyStores.trustStore(directory.resolve("trust.p12"), PASSWORD, List.of(root));

    assertThat(TrustAnchors.loadPkcs12(file, PASSWORD).certificates()).containsExactly(root);
    assertThatThrownBy(() -> TrustAnchors.loadPkcs12(file, null)).isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": a PKCS#12 truststore needs its password: without it the file's integrity (its MAC)"
            + " cannot be checked, and anyone able to write the file could add a CA");
    assertThatThrownBy(() -> TrustAnchors.loadPkcs12(file, "wrong".toCharArray()))
        .isInstanceOf(KeyMaterialException.class).hasMessageContaining("wrong password");
  }

  @Test
  void a_pkcs12_truststore_without_a_mac_is_refused() throws Exception {
    org.bouncycastle.pkcs.PKCS12PfxPduBuilder pfx = new org.bouncycastle.pkcs.PKCS12PfxPduBuilder();
    pfx.addData(new org.bouncycastle.pkcs.jcajce.JcaPKCS12SafeBagBuilder(root).build());
    Path file = Files.write(directory.resolve("nomac.p12"), pfx.build(null, null).getEncoded("DER"));

    assertThatThrownBy(() -> TrustAnchors.loadPkcs12(file, PASSWORD)).isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": the PKCS#12 truststore has no integrity MAC, so nothing proves it was not altered;"
            + " recreate it with a password (pki p12 --trust, or keytool)");
  }
}
