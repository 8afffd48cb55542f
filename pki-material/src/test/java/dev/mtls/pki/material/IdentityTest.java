package dev.mtls.pki.material;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.trust.PeerTrustManager;
import dev.mtls.pki.material.trust.TlsPolicy;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.KeyStores;
import dev.mtls.testing.pki.Keys;
import dev.mtls.testing.pki.TestCa;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityTest {
  private static final char[] PASSWORD = "changeit-not".toCharArray();

  private static KeyPair rootKeys;
  private static X509Certificate root;
  private static KeyPair intermediateKeys;
  private static X509Certificate intermediate;
  private static KeyPair leafKeys;
  private static Issued leafIdentity;
  private static X509Certificate leaf;

  @TempDir Path directory;

  @BeforeAll
  static void certificates() {
    rootKeys = Keys.ec();
    TestCa rootCa = TestCa.root("CN=Test Root", rootKeys, 1);
    root = rootCa.certificate();
    intermediateKeys = Keys.ec();
    TestCa intermediateCa = rootCa.issue("CN=Test Intermediate").key(intermediateKeys).ca(0).buildCa();
    intermediate = intermediateCa.certificate();
    leafKeys = Keys.ec();
    leafIdentity = intermediateCa.issue("CN=localhost").key(leafKeys)
        .extendedKeyUsage(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth).build();
    leaf = leafIdentity.certificate();
  }

  @Test
  void of_holds_key_and_chain_leaf_first() {
    Identity identity = Identity.of(leafKeys.getPrivate(), List.of(leaf, intermediate));

    assertThat(identity.certificate()).isEqualTo(leaf);
    assertThat(identity.chain()).containsExactly(leaf, intermediate);
    assertThat(identity.privateKey()).isEqualTo(leafKeys.getPrivate());
  }

  @Test
  void refuses_key_that_does_not_match_the_certificate() {
    assertThatThrownBy(() -> Identity.of(rootKeys.getPrivate(), List.of(leaf, intermediate)))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage("identity: the private key does not match the certificate CN=localhost");
  }

  @Test
  void refuses_key_of_another_algorithm() {
    assertThatThrownBy(() -> Identity.of(Keys.rsa(2048).getPrivate(), List.of(leaf)))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage("identity: the private key does not match the certificate CN=localhost");
  }

  @Test
  void refuses_chain_out_of_order() {
    assertThatThrownBy(() -> Identity.of(leafKeys.getPrivate(), List.of(leaf, root, intermediate)))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage("identity: chain out of order: certificate 1 (CN=localhost) was not signed by certificate 2 "
            + "(CN=Test Root); list the leaf first, then its issuer");
  }

  @Test
  void refuses_empty_chain() {
    assertThatThrownBy(() -> Identity.of(leafKeys.getPrivate(), List.of()))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage("identity: no certificate for the private key");
  }

  @Test
  void loads_pem_chain_and_key() throws IOException {
    Path chain = Files.writeString(directory.resolve("tls.crt"), Pem.encode(List.of(leaf, intermediate)));
    Path key = Files.writeString(directory.resolve("tls.key"),
        Pem.encodeEncrypted(leafKeys.getPrivate(), PASSWORD, KeyEncryption.forTests()));

    Identity identity = Identity.loadPem(chain, key, PASSWORD);

    assertThat(identity.chain()).containsExactly(leaf, intermediate);
  }

  @Test
  void refuses_pem_key_that_does_not_match_naming_both_files() throws IOException {
    Path chain = Files.writeString(directory.resolve("tls.crt"), Pem.encode(List.of(leaf, intermediate)));
    Path key = Files.writeString(directory.resolve("tls.key"), Pem.encode(intermediateKeys.getPrivate()));

    assertThatThrownBy(() -> Identity.loadPem(chain, key, null))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage(chain + " with key " + key + ": the private key does not match the certificate CN=localhost");
  }

  @Test
  void loads_pkcs12_key_entry() throws Exception {
    Path file = leafIdentity.writePkcs12(directory.resolve("client.p12"), "client", PASSWORD);

    Identity identity = Identity.loadPkcs12(file, PASSWORD, null);

    assertThat(identity.chain()).containsExactly(leaf, intermediate);
    assertThat(Identity.loadPkcs12(file, PASSWORD, "client").certificate()).isEqualTo(leaf);
  }

  @Test
  void refuses_pkcs12_with_wrong_password() throws Exception {
    Path file = leafIdentity.writePkcs12(directory.resolve("client.p12"), "client", PASSWORD);

    assertThatThrownBy(() -> Identity.loadPkcs12(file, "wrong".toCharArray(), null))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": wrong password for the PKCS#12 file");
  }

  @Test
  void refuses_pem_file_given_as_pkcs12() throws IOException {
    Path file = Files.writeString(directory.resolve("tls.crt"), Pem.encode(List.of(leaf, intermediate)));

    assertThatThrownBy(() -> Identity.loadPkcs12(file, PASSWORD, null))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessageStartingWith(file + ": not a readable PKCS#12 file (")
        .hasMessageEndingWith("); is it PEM? then load it as PEM");
  }

  @Test
  void refuses_missing_pkcs12_file() {
    Path file = directory.resolve("missing.p12");

    assertThatThrownBy(() -> Identity.loadPkcs12(file, PASSWORD, null))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": file not found");
  }

  @Test
  void refuses_truststore_given_as_identity() throws Exception {
    Path file = KeyStores.trustStore(directory.resolve("trust.p12"), PASSWORD, List.of(root));

    assertThatThrownBy(() -> Identity.loadPkcs12(file, PASSWORD, null))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": holds no private key, only certificates (is it a truststore?)");
  }

  @Test
  void refuses_to_guess_between_two_keys_and_unknown_alias() throws Exception {
    Issued intermediateIdentity = new Issued(intermediate, intermediateKeys, List.of(intermediate, root));
    Path file = KeyStores.pkcs12(directory.resolve("two.p12"), PASSWORD,
        Map.of("b-leaf", leafIdentity, "a-intermediate", intermediateIdentity));

    assertThatThrownBy(() -> Identity.loadPkcs12(file, PASSWORD, null))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessageStartingWith(file + ": holds 2 keys [")
        .hasMessageEndingWith("]; choose one with an alias");
    assertThatThrownBy(() -> Identity.loadPkcs12(file, PASSWORD, "nobody"))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessageStartingWith(file + ": has no key entry 'nobody'; its keys are [");
    assertThat(Identity.loadPkcs12(file, PASSWORD, "b-leaf").certificate()).isEqualTo(leaf);
  }

  @Test
  void key_manager_presents_the_chain_for_the_matching_key_type_only() {
    X509ExtendedKeyManager manager = Identity.of(leafKeys.getPrivate(), List.of(leaf, intermediate)).keyManager();

    String alias = manager.chooseClientAlias(new String[] {"RSA", "EC"}, null, null);
    assertThat(alias).isNotNull();
    assertThat(manager.getCertificateChain(alias)).containsExactly(leaf, intermediate);
    assertThat(manager.getPrivateKey(alias)).isEqualTo(leafKeys.getPrivate());
    assertThat(manager.chooseServerAlias("EC", null, null)).isEqualTo(alias);
    assertThat(manager.chooseServerAlias("RSA", null, null)).isNull();
    assertThat(manager.chooseClientAlias(new String[] {"RSA"}, null, null)).isNull();
  }

  @Test
  void key_manager_presents_the_chain_in_a_real_mutual_tls_handshake() throws Exception {
    Identity identity = Identity.of(leafKeys.getPrivate(), List.of(leaf, intermediate));
    TrustAnchors anchors = TrustAnchors.of(List.of(root));
    Trust trust = Trust.of(anchors);
    SSLContext serverContext = TlsPolicy.context(identity.keyManager(),
        PeerTrustManager.forClients(() -> trust, Clock.systemUTC()));
    SSLContext clientContext = TlsPolicy.context(identity.keyManager(),
        PeerTrustManager.forServers(() -> trust, Clock.systemUTC(), null));

    try (SSLServerSocket server = (SSLServerSocket) serverContext.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      server.setSSLParameters(TlsPolicy.parameters(serverContext, TlsPolicy.PROTOCOLS));
      server.setNeedClientAuth(true);
      CompletableFuture<Certificate[]> clientChainSeenByServer = CompletableFuture.supplyAsync(() -> {
        try (SSLSocket accepted = (SSLSocket) server.accept()) {
          accepted.startHandshake();
          Certificate[] peers = accepted.getSession().getPeerCertificates();
          accepted.getOutputStream().write(1);
          return peers;
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      try (SSLSocket client = (SSLSocket) clientContext.getSocketFactory()
          .createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
        client.setSSLParameters(TlsPolicy.parameters(clientContext, TlsPolicy.PROTOCOLS));
        client.startHandshake();
        assertThat(client.getInputStream().read()).isEqualTo(1);
        assertThat(client.getSession().getPeerCertificates()).containsExactly(leaf, intermediate);
        assertThat(client.getSession().getProtocol()).isEqualTo("TLSv1.3");
      }
      assertThat(clientChainSeenByServer.get(10, TimeUnit.SECONDS)).containsExactly(leaf, intermediate);
    }
  }
}
